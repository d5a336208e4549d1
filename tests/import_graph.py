"""The import graph of engine/ and tutor/, read from the source (nothing is imported).

tests/test_import_cycles.py holds it to no cycle; bench/structure_report.py prints it.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

PACKAGES = ("engine", "tutor")


def sources(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py under the packages."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(test)


def _imports(node: ast.AST, where: tuple[str, set[str]], in_function: bool, out: list) -> int:
    """Append (imported module, inside a function?) for each import below `node`; return how
    many import statements stand inside functions. `where`: this module and all modules."""
    module, known = where
    inner = 0
    for child in ast.iter_child_nodes(node):
        if _type_checking(child):
            continue
        inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
        if isinstance(child, ast.Import):
            out += [(alias.name, inside) for alias in child.names]
        elif isinstance(child, ast.ImportFrom):
            base = child.module or ""
            if child.level:  # relative: resolve against this module's package
                package = module.split(".")[: -child.level or None]
                base = ".".join([*package, base] if base else package)
            for alias in child.names:  # `from package import submodule` names the submodule
                sub = f"{base}.{alias.name}"
                out.append((sub if sub in known else base, inside))
        inner += inside and isinstance(child, ast.Import | ast.ImportFrom)
        inner += _imports(child, where, inside, out)
    return inner


def import_graph(files: dict[str, Path]) -> tuple[dict, dict, Counter]:
    """Module-level edges, all edges, and function-level import counts per module."""
    top: dict[str, set[str]] = {m: set() for m in files}
    every: dict[str, set[str]] = {m: set() for m in files}
    inner: Counter = Counter()
    for module, path in files.items():
        found: list[tuple[str, bool]] = []
        inner[module] = _imports(ast.parse(path.read_text()), (module, set(files)), False, found)
        for name, inside in found:
            if name not in files or name == module:
                continue
            every[module].add(name)
            if not inside:
                top[module].add(name)
    return top, every, inner


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)
