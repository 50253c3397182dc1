#!/usr/bin/env python3
"""Fails if the modules of a Rust crate import each other in a cycle.

    scripts/check-module-cycles.py [-v] SRC_DIR...

For every pair of sibling modules (children of the same parent: `hub` and
`signaling`, or `hub::room::state` and `hub::room::task`), an edge a -> b
means some file inside a names a path inside b (`crate::b::...`,
`super::b::...`, `use crate::{b, ...}`). A cycle among siblings is an
error; a parent naming its children and a child naming its parent's items
(`super::Item`) are the normal shape of a module tree and do not count, nor
does test code (`tests` modules and items under `#[cfg(test)]`: tests may
reach anything).

Why a script: the request path (docs/architecture.md) only stays one-way if
something checks it; cargo-modules has an `--acyclic` switch but builds
rust-analyzer first, which would cost the fast loop (`make check`) minutes.
"""

import os
import re
import sys
from collections import defaultdict

PATH = re.compile(r"\b(crate|super(?:::super)*)((?:::[a-z_][a-z0-9_]*)+)")
GROUP = re.compile(r"\b(crate|super(?:::super)*)::\{([^}]*)\}")


def module_of(root, file):
    """The module path of `file` under `root`: src/hub/room/task.rs -> hub::room::task."""
    parts = os.path.relpath(file, root)[: -len(".rs")].split(os.sep)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def without_test_items(text):
    """`text` without the items, fields and variants under `#[cfg(test)]`
    (up to their `;`, `,` or closing brace)."""
    out, at = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]", text):
        if m.start() < at:
            continue
        out.append(text[at : m.start()])
        depth, i = 0, m.end()
        while i < len(text):
            c = text[i]
            if c in "({[":
                depth += 1
            elif c in ")}]":
                if depth == 0:  # the end of the enclosing item
                    break
                depth -= 1
                if depth == 0 and c == "}":
                    i += 1
                    break
            elif c in ";," and depth == 0:  # an item, a field or a variant
                i += 1
                break
            i += 1
        at = i
    out.append(text[at:])
    return "".join(out)


def named_paths(module, is_dir_module, text):
    """Every module path `text` names, absolute from the crate root."""
    text = without_test_items(re.sub(r"//.*", "", text))
    own = module if is_dir_module else module[:-1]

    def base(prefix):
        if prefix == "crate":
            return []
        ups = prefix.count("super") - 1
        return list(own[: len(own) - ups] if ups else own)

    for m in GROUP.finditer(text):
        for item in re.findall(r"\b([a-z_][a-z0-9_]*)\b", m.group(2)):
            yield tuple(base(m.group(1)) + [item])
    for m in PATH.finditer(text):
        yield tuple(base(m.group(1)) + m.group(2).split("::")[1:])


def sibling_edges(root):
    modules, named = set(), defaultdict(set)
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".rs"):
                continue
            file = os.path.join(folder, name)
            module = module_of(root, file)
            modules.add(module)
            with open(file, encoding="utf-8") as f:
                named[module].update(named_paths(module, name == "mod.rs", f.read()))

    def resolve(path):
        for end in range(len(path), 0, -1):
            if path[:end] in modules:
                return path[:end]
        return None

    edges = defaultdict(set)
    for source, paths in named.items():
        if "tests" in source:
            continue
        for path in paths:
            target = resolve(path)
            if target is None:
                continue
            common = 0
            while common < min(len(source), len(target)) and source[common] == target[common]:
                common += 1
            if common < len(source) and common < len(target):
                a, b = source[: common + 1], target[: common + 1]
                if "tests" not in b:
                    edges[a].add((b, "::".join(source)))
    return edges


def cycles(edges):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w, _ in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in list(edges):
        if v not in index:
            visit(v)
    return found


def main(args):
    verbose = "-v" in args
    roots = [a for a in args if a != "-v"]
    failed = False
    for root in roots:
        edges = sibling_edges(root)
        for component in cycles(edges):
            failed = True
            names = " <-> ".join("::".join(m) for m in component)
            print(f"{root}: import cycle: {names}", file=sys.stderr)
            if verbose:
                members = set(component)
                for a in component:
                    for b, via in sorted(edges[a]):
                        if b in members:
                            print(f"    {'::'.join(a)} -> {'::'.join(b)} (in {via})", file=sys.stderr)
    if failed:
        return 1
    print(f"no import cycles in {', '.join(roots)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
