"""Imports point one way (issue 12): cli → api, batch, distributed, validate → pipeline → providers,
quirks, series, io.  The graph is read from the source (every ``import``, also those inside
functions, which is where the old api ↔ batch ↔ io.stream ↔ validate circle hid), so a cycle is
caught whether or not Python would trip over it at import time."""

from __future__ import annotations

import ast
from pathlib import Path

import ics_bridge

PACKAGE = Path(ics_bridge.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Module → the package modules it imports anywhere in its source.  ``from . import x``
    counts as importing ``x`` (the package's ``__init__`` is already loading by then)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                subs = [f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in modules]
                deps.update(subs)
                if len(subs) < len(node.names) and target in modules:
                    deps.add(target)
            elif isinstance(node, ast.Import):
                deps.update(alias.name for alias in node.names if alias.name in modules)
        deps.discard(name)
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_imports_inside_functions() -> None:
    graph = import_graph()
    # validate reaches the pipeline only from inside its functions
    assert "ics_bridge.pipeline" in graph["ics_bridge.validate"]
    assert "ics_bridge.providers.graph.from_ical" in graph["ics_bridge.pipeline"]


def test_no_import_cycle_in_the_package() -> None:
    assert cycles(import_graph()) == []


def test_the_pipeline_is_below_its_callers() -> None:
    graph = import_graph()
    callers = {"ics_bridge.api", "ics_bridge.batch", "ics_bridge.validate", "ics_bridge.cli", "ics_bridge.distributed"}
    for caller in callers - {"ics_bridge.cli", "ics_bridge.distributed"}:
        assert "ics_bridge.pipeline" in graph[caller], caller
    assert not graph["ics_bridge.pipeline"] & callers


def test_io_knows_no_provider_and_nothing_above_it() -> None:
    graph = import_graph()
    above = {"ics_bridge", "ics_bridge.api", "ics_bridge.batch", "ics_bridge.validate", "ics_bridge.cli",
             "ics_bridge.distributed", "ics_bridge.pipeline", "ics_bridge.native"}
    for name, deps in graph.items():
        if name.startswith("ics_bridge.io."):
            assert not {d for d in deps if d.startswith("ics_bridge.providers")}, name
            assert not deps & above, (name, deps & above)
