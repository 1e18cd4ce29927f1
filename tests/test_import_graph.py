"""The import graph of `src/sgraph`: no cycles, and each layer imports only what is below it.

Data flows one way (sources -> graph -> validate -> {query, network, export, serve}); the tree
should too. Every ``import`` that can run counts, including those inside functions (a cycle
hidden in a function-local import is still a cycle); only ``if TYPE_CHECKING:`` blocks, which
never run, are left out. A second check imports modules in a fresh interpreter and looks at
what actually got loaded.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import sgraph

PACKAGE = Path(sgraph.__file__).parent

#: module (or package prefix) -> prefixes it must not import, directly or through others.
LAYERS: dict[str, tuple[str, ...]] = {
    "sgraph.rdf": ("sgraph.export", "sgraph.sparql", "sgraph.server", "sgraph.cli"),
    "sgraph.serialize": ("sgraph.rdf", "sgraph.export", "sgraph.sparql", "sgraph.server"),
    "sgraph.sparql": ("sgraph.export", "sgraph.server", "sgraph.cli", "sgraph.network"),
    "sgraph.queries": ("sgraph.export", "sgraph.server", "sgraph.cli"),
    "sgraph.http": ("sgraph.rdf", "sgraph.export", "sgraph.sparql", "sgraph.server"),
    "sgraph.export": ("sgraph.server", "sgraph.cli", "sgraph.sparql"),
    "sgraph.network": ("sgraph.server", "sgraph.cli"),
    "sgraph.curate": ("sgraph.server", "sgraph.cli"),
    "sgraph.io": ("sgraph.rdf", "sgraph.export", "sgraph.store"),
}


def _module_names() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _module_names()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path) -> set[str]:
    """The sgraph modules ``name`` may import when it runs."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            if _is_type_checking(node.test):
                for child in node.orelse:
                    self.visit(child)
            else:
                self.generic_visit(node)

        def visit_Import(self, node: ast.Import) -> None:
            found.update(alias.name for alias in node.names)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)

    Visitor().visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _reachable(start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in GRAPH[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_the_import_graph_is_read() -> None:
    assert "sgraph.rdf.formats" in GRAPH["sgraph.sparql"]
    assert "sgraph.export.dumps" in GRAPH["sgraph.export.publish"]
    assert "sgraph.store" not in GRAPH["sgraph.export.dumps"]  # under TYPE_CHECKING only


def test_no_import_cycles() -> None:
    cycles = sorted(f"{name} -> ... -> {name}" for name in GRAPH if name in _reachable(name))
    assert cycles == []


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_imports_only_what_is_below_it(layer: str) -> None:
    modules = [m for m in GRAPH if m == layer or m.startswith(layer + ".")]
    assert modules, f"no module {layer}"
    bad = sorted(
        f"{m} -> {dep}"
        for m in modules
        for dep in _reachable(m)
        if any(dep == p or dep.startswith(p + ".") for p in LAYERS[layer])
    )
    assert bad == []


def test_importing_the_query_engine_loads_no_export_module() -> None:
    code = (
        "import json, sys, sgraph.sparql, sgraph.server.worker\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(out.stdout)
    assert "sgraph.rdf.formats" in loaded
    assert [
        m for m in loaded if m.startswith(("sgraph.export", "starlette", "SPARQLWrapper"))
    ] == []


#: Declared runtime dependencies that src/ does not import yet, and why; the test below fails
#: when one of them is imported (remove it here) or another one stops being imported.
NOT_IMPORTED: dict[str, str] = {}


def test_every_runtime_dependency_is_imported() -> None:
    import re
    import tomllib
    from importlib.metadata import packages_distributions

    project = tomllib.loads((PACKAGE.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {
        re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower()
        for spec in project["project"]["dependencies"]
    }
    imported_modules = {
        node.split(".")[0] for path in MODULES.values() for node in _all_imports(path)
    }
    dists = packages_distributions()
    imported = {d.lower() for m in imported_modules for d in dists.get(m, [])}
    assert sorted(declared - imported) == sorted(NOT_IMPORTED)


def _all_imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
    return out
