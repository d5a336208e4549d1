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
from pathlib import Path

from radon.complexity import cc_visit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.import_graph import PACKAGES, cycles, import_graph, sources  # noqa: E402

LONG = 80
COMPLEX = 20


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
