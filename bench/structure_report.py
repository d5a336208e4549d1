"""Measures of the code's structure, for issue notes: run it on a commit before and after.

    python bench/structure_report.py [--root .] [--no-duplicates]

Prints, for engine/ and tutor/:
  - functions longer than 80 lines (def line to last line, decorators excluded);
  - functions of radon cyclomatic complexity 20 or more (radon's `cc_visit`, as `radon cc`);
  - import cycles between modules: once over module-level imports (what Python runs at
    import time; `if TYPE_CHECKING:` blocks left out), once over every import including those
    inside functions (the loops that function-level imports only hold apart);
  - imports inside functions, counted per file;
  - the `duplicates` command's pairs over the whole tree with neither side in tests/.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from radon.complexity import cc_visit

PACKAGES = ("engine", "tutor")
LONG = 80
COMPLEX = 20


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


def functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def long_functions(root: Path, files: dict[str, Path]) -> list[str]:
    rows = []
    for path in files.values():
        for fn in functions(ast.parse(path.read_text())):
            length = fn.end_lineno - fn.lineno + 1
            if length > LONG:
                rows.append((length, f"{path.relative_to(root)}:{fn.lineno} {fn.name}"))
    return [f"{n:>4} lines  {where}" for n, where in sorted(rows, reverse=True)]


def complex_functions(root: Path, files: dict[str, Path]) -> list[str]:
    rows = []
    for path in files.values():
        for block in cc_visit(path.read_text()):
            if block.complexity >= COMPLEX:
                name = getattr(block, "fullname", block.name)
                rows.append((block.complexity, f"{path.relative_to(root)}:{block.lineno} {name}"))
    return [f"{n:>4}  {where}" for n, where in sorted(rows, reverse=True)]


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


def duplicate_pairs(root: Path) -> list[str]:
    """The `duplicates` command's rows over the whole tree whose two sides are both source
    (not tests/), after its summary line for everything."""
    out = subprocess.run(
        ["duplicates", "--repo", str(root), "--most", "200", "--seconds", "120"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    rows = [line for line in out[1:] if re.match(r"D\d+ ", line)]
    source = [r for r in rows if not re.search(r"(^D\d+ | ~ )tests/", r)]
    return [f"(whole tree: {out[0] if out else 'no answer'})", *source]


def section(title: str, rows: list[str]) -> None:
    print(f"\n## {title}: {len(rows)}")
    for row in rows:
        print(f"  {row}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--no-duplicates", action="store_true", help="skip the slow pair search")
    args = parser.parse_args()
    root = args.root.resolve()
    files = sources(root)
    print(f"# structure of {root} ({len(files)} modules under {', '.join(PACKAGES)})")
    section(f"functions over {LONG} lines", long_functions(root, files))
    section(f"radon cyclomatic complexity >= {COMPLEX}", complex_functions(root, files))
    top, every, inner = import_graph(files)
    section("import cycles (module-level imports)", [" <-> ".join(c) for c in cycles(top)])
    section(
        "import cycles (counting imports inside functions)",
        [" <-> ".join(c) for c in cycles(every)],
    )
    per_file = [f"{n:>3}  {m}" for m, n in inner.most_common() if n]
    print(f"\n## imports inside functions: {sum(inner.values())} in {len(per_file)} modules")
    for row in per_file:
        print(f"  {row}")
    if not args.no_duplicates:
        summary, *rows = duplicate_pairs(root)
        section("duplicates: pairs with neither side in tests/", rows)
        print(f"  {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
