"""The command line the same-output scripts share: record to PATH, or --diff two recordings."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def record_or_diff(
    doc: str, what: str, record: Callable[[Path], None], diff: Callable[[Path, Path], int]
) -> int:
    """`script PATH` records into PATH; `script --diff A B` compares (exit 1 when they differ)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--diff", action="store_true", help=f"compare two {what}")
    args = parser.parse_args()
    if args.diff:
        if len(args.paths) != 2:
            parser.error(f"--diff takes two {what}")
        return diff(*args.paths)
    record(args.paths[0])
    return 0
