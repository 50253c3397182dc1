# PNL Voice Rooms. `make run` sets up and serves on embedded defaults;
# `make test` sets up and runs every test. Both work on a fresh Debian 12
# machine that reaches the package registries.

CARGO ?= cargo
CARGO_FLAGS ?= --release --locked
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
BIN := $(TARGET_DIR)/release/pnl-voice
# The store tests' MongoDB-wire server lives in this virtualenv (outside
# the clone, reused between runs).
PYENV ?= /var/tmp/pnl-voice-pyenv
# The soak run's full size (benches/README.md, "Soak"); override with e.g.
# `make soak PNL_SOAK_SECS=600`.
PNL_SOAK_SECS ?= 1800
PNL_SOAK_WARMUP_SECS ?= 120
PNL_SOAK_ROOMS ?= 16
PNL_SOAK_LISTENERS ?= 6
PNL_SOAK_DESTROY_MINUTES ?= 1

.PHONY: bench bench-peer bench-smoke soak soak-smoke fuzz deploy-check all setup system-deps test-deps worker-shims web build run test clients-test browser-test check wire-types clean

all: build

## Debian packages, the mediasoup worker shims, the web client.
setup: system-deps worker-shims web

system-deps:
	@scripts/setup-system.sh

# Writes the shim subprojects into the fetched mediasoup-sys crate (idempotent).
worker-shims: system-deps
	@scripts/worker-shims.sh

web: system-deps static/dist/app.js

# The client SDK (@pnl-voice/client) first: the page is built on it.
clients/js/dist/index.js: clients/js/package.json clients/js/package-lock.json clients/js/tsconfig.json $(wildcard clients/js/src/*.ts clients/js/src/*/*.ts)
	cd clients/js && npm ci --no-audit --no-fund --loglevel=error && npm run build

# The React component and hook (@pnl-voice/react), on the SDK.
clients/react/dist/index.js: clients/js/dist/index.js clients/react/package.json clients/react/package-lock.json clients/react/tsconfig.json $(wildcard clients/react/src/*.ts clients/react/src/*.tsx)
	cd clients/react && npm ci --no-audit --no-fund --loglevel=error && npm run build

# The sample market page (browser tests serve it on an origin of its own).
examples/market-page/dist/index.html: clients/react/dist/index.js examples/market-page/package.json examples/market-page/package-lock.json examples/market-page/build.mjs examples/market-page/index.html $(wildcard examples/market-page/src/*)
	cd examples/market-page && npm ci --no-audit --no-fund --loglevel=error && npm run build

static/dist/app.js: clients/js/dist/index.js static/package.json static/package-lock.json $(wildcard static/src/*.ts static/src/*/*.ts)
	cd static && npm ci --no-audit --no-fund --loglevel=error && npm run build

build: setup
	$(CARGO) build $(CARGO_FLAGS)

## Serve on embedded defaults (http://127.0.0.1:3001).
run: build
	$(BIN) --dev

# What only the tests need: redis-server, Chromium, playwright-core, the
# MongoDB-wire test server and kubernetes-validate (in the PYENV virtualenv).
test-deps:
	@scripts/setup-system.sh test
	@scripts/mongo-wire-server.sh $(PYENV)
	@scripts/kubernetes-validate.sh $(PYENV)
	cd tests/deploy && npm ci --no-audit --no-fund --loglevel=error
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error

## Every test: unit, integration, end to end with the real worker and Redis,
## and the web client in a real Chromium.
test: setup test-deps
	$(MAKE) --no-print-directory check
	PNL_VOICE_MONGO_PYTHON=$(PYENV)/bin/python $(CARGO) test $(CARGO_FLAGS) --workspace --no-fail-fast
	$(MAKE) --no-print-directory clients-test
	$(MAKE) --no-print-directory fuzz
	@PYENV=$(PYENV) scripts/check-deploy-files.sh
	@scripts/check-standalone.sh
	$(MAKE) --no-print-directory bench-smoke
	$(MAKE) --no-print-directory soak-smoke
	$(MAKE) --no-print-directory browser-test

## The benchmarks at small size; figures and plots go to benches/results.
bench: build
	$(CARGO) bench --locked --bench load --bench udp_limit

## Ours and Janus side by side, every scenario at small size (Janus from
## Debian, on libsrtp built with OpenSSL like our worker's: see
## benches/README.md); figures and plots go to benches/results.
bench-peer: build
	@scripts/setup-system.sh peer
	@scripts/janus-srtp.sh >/dev/null
	$(CARGO) bench --locked --bench janus

## The benchmarks at their smallest size, to keep them working (the
## figures are thrown away: this machine is busy with the tests).
bench-smoke: build
	PNL_BENCH_OUT=$$(mktemp -d) PNL_BENCH_LISTENERS=3 PNL_BENCH_ROOMS=2 PNL_BENCH_STORM=3 \
	PNL_BENCH_SIGNALING_CLIENTS=2 PNL_BENCH_SECS=1 $(CARGO) bench --locked --bench load --bench udp_limit

## The soak run at full size (about 40 minutes: 30 of churn, a warm-up and
## the waits for cleanup); fails if a resource count does not return to zero.
## Figures, soak.json and soak.svg into benches/results.
soak: build
	@scripts/setup-system.sh test
	PNL_SOAK_SECS=$(PNL_SOAK_SECS) PNL_SOAK_WARMUP_SECS=$(PNL_SOAK_WARMUP_SECS) \
	PNL_SOAK_ROOMS=$(PNL_SOAK_ROOMS) PNL_SOAK_LISTENERS=$(PNL_SOAK_LISTENERS) \
	PNL_SOAK_DESTROY_MINUTES=$(PNL_SOAK_DESTROY_MINUTES) PNL_SOAK_SAMPLE_SECS=10 \
	$(CARGO) bench --locked --bench soak

## The soak run at small size (part of make test, about 2.5 minutes; the
## count check holds, the figures are thrown away).
soak-smoke: build
	PNL_BENCH_OUT=$$(mktemp -d) PNL_SOAK_SECS=60 PNL_SOAK_WARMUP_SECS=15 PNL_SOAK_ROOMS=4 \
	PNL_SOAK_LISTENERS=3 PNL_SOAK_DESTROY_MINUTES=0 $(CARGO) bench --locked --bench soak

## Each fuzz target for FUZZ_SECS seconds (default 30), growing its corpus
## in fuzz/corpus; fails if one crashes (docs/testing.md, "Fuzzing"). The
## targets build on the core crate alone: no mediasoup worker, no C++.
fuzz:
	@scripts/fuzz.sh

## The deployment files through their checkers.
deploy-check: test-deps
	@PYENV=$(PYENV) scripts/check-deploy-files.sh

## The client SDK's unit tests: state machine, reconnection, event typing
## (a type-level test fails when the generated wire types drift); the React
## package's: server rendering without a window, the hook, the component.
clients-test: clients/js/dist/index.js clients/react/dist/index.js
	cd clients/js && npm test
	cd clients/react && npm test

## The web client's tests in headless Chromium against the real server.
browser-test: build examples/market-page/dist/index.html
	cd tests/browser && PNL_VOICE_BIN=$(abspath $(BIN)) npm test

## Writes the TypeScript wire types (clients/js/src/wire/) from the core
## crate's Rust types; the same test without PNL_VOICE_WRITE_WIRE fails when
## they drift.
wire-types:
	PNL_VOICE_WRITE_WIRE=1 $(CARGO) test $(CARGO_FLAGS) -p pnl-voice-core --lib wire_types

## The fast loop, first in `make test`: formatting, no import cycle
## between modules (scripts/check-module-cycles.py), a core crate without
## mediasoup, actix or tokio in its dependency tree, clippy with warnings
## as errors on every target of every crate, the core crate's tests (wire
## contract, room rules, sign-in, the TypeScript drift check) and the type
## checks of the SDK, the React package and the web client. The server's
## own unit tests link the mediasoup worker: they run in `make test`.
check: setup clients/js/dist/index.js clients/react/dist/index.js
	$(CARGO) fmt --check
	scripts/check-module-cycles.py src crates/pnl-voice-core/src crates/pnl-voice-testkit/src
	@if $(CARGO) tree --locked -p pnl-voice-core -e normal --prefix none | grep -E '^(mediasoup|actix|tokio)'; then \
		echo "pnl-voice-core must not depend on mediasoup, actix or tokio" >&2; exit 1; fi
	$(CARGO) clippy $(CARGO_FLAGS) --all-targets --workspace -- -D warnings
	$(CARGO) test $(CARGO_FLAGS) -p pnl-voice-core
	cd clients/js && npm run typecheck
	cd clients/react && npm run typecheck
	cd static && npm run typecheck

clean:
	$(CARGO) clean
	rm -rf static/dist static/node_modules clients/js/dist clients/js/node_modules \
		clients/react/dist clients/react/node_modules examples/market-page/dist examples/market-page/node_modules
