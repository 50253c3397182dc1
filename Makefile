# PNL Voice Rooms. `make run` sets up and serves on embedded defaults;
# `make test` sets up and runs every test. Both work on a fresh Debian 12
# machine that reaches the package registries.

CARGO ?= cargo
CARGO_FLAGS ?= --release --locked
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
BIN := $(TARGET_DIR)/release/pnl-voice

.PHONY: all setup system-deps worker-shims web build run test unit e2e lint clean

all: build

## Debian packages, the mediasoup worker shims, the web client.
setup: system-deps worker-shims web

system-deps:
	@scripts/setup-system.sh

# Writes the shim subprojects into the fetched mediasoup-sys crate (idempotent).
worker-shims: system-deps
	@scripts/worker-shims.sh

web: system-deps static/dist/app.js

static/dist/app.js: static/package.json static/package-lock.json $(wildcard static/src/*.ts)
	cd static && npm ci --no-audit --no-fund --loglevel=error && npm run build

build: setup
	$(CARGO) build $(CARGO_FLAGS)

## Serve on embedded defaults (http://127.0.0.1:3001).
run: build
	$(BIN)

## Every test: unit, integration and end-to-end with the real worker.
test: setup
	$(CARGO) test $(CARGO_FLAGS) --no-fail-fast

lint: setup
	$(CARGO) fmt --check
	$(CARGO) clippy $(CARGO_FLAGS) --all-targets -- -D warnings

clean:
	$(CARGO) clean
	rm -rf static/dist static/node_modules
