"""The package layout is the pipeline: no module of wavyte_core is part of an import cycle,
counting every import (module level, inside functions, under TYPE_CHECKING), and the top of
the package holds only the entry points. The layer order itself is the `lint-imports`
contract in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

import grimp

import wavyte_core

TOP_LEVEL_MODULES = {"__init__", "api", "builtin_plugins", "errors", "nested", "version"}


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph.find_modules_directly_imported_by(w)))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        found.append(sorted(comp))
    return found


def test_no_import_cycles_in_wavyte_core() -> None:
    graph = grimp.build_graph("wavyte_core", include_external_packages=False)
    assert len(graph.modules) > 50  # the whole package was scanned
    assert _cycles(graph) == []


def test_cycle_finder_finds_a_planted_cycle(tmp_path: Path, monkeypatch) -> None:
    pkg = tmp_path / "cyc"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from cyc import b\n")
    (pkg / "b.py").write_text("def f():\n    from cyc import a\n")
    (pkg / "c.py").write_text("from cyc import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _cycles(grimp.build_graph("cyc")) == [["cyc.a", "cyc.b"]]


def test_top_of_the_package_holds_only_entry_points() -> None:
    top = Path(wavyte_core.__file__).parent
    modules = {p.stem for p in top.glob("*.py")}
    assert modules == TOP_LEVEL_MODULES
