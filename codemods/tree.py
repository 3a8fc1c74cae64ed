"""Migrate a whole source tree into another directory, and check one is up to date.

``migrated/`` in this repository is exactly what the codemods make of
``legacy/``: Python files migrated, every other file copied byte for byte.
``python -m codemods.tree regenerate SRC DST`` rewrites DST;
``python -m codemods.tree check SRC DST`` exits 1 listing every difference
(changed, missing and extra files) without touching anything.
"""

from __future__ import annotations

import filecmp
import shutil
import sys
import tempfile
from pathlib import Path
from typing import List, Optional, Sequence, Type

from codemods.engine import DEFAULT_EXCLUDES, migrate_source
from codemods.rule import Rule
from codemods.rules import select_rules


class TreeMigrationError(Exception):
    pass


def _source_files(root: Path) -> List[Path]:
    files = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part in DEFAULT_EXCLUDES for part in relative.parts) or path.is_dir():
            continue
        files.append(relative)
    return files


def migrate_tree(source: Path, destination: Path, rules: Optional[Sequence[Type[Rule]]] = None) -> None:
    """Write the migrated copy of ``source`` into the empty or absent ``destination``."""
    selected = list(rules) if rules is not None else select_rules()
    for relative in _source_files(source):
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative.suffix == ".py":
            result = migrate_source((source / relative).read_bytes(), selected, str(source / relative))
            if result.error or result.migrated is None:
                raise TreeMigrationError(f"{source / relative}: {result.error}")
            unresolved = [f for f in result.findings if not f.fixed]
            if unresolved:
                raise TreeMigrationError("\n".join(f.format() for f in unresolved))
            target.write_bytes(result.migrated)
        else:
            shutil.copy2(source / relative, target)


def tree_differences(expected: Path, actual: Path) -> List[str]:
    """Human-readable differences between two trees (empty when identical)."""
    expected_files = set(_source_files(expected)) if expected.exists() else set()
    actual_files = set(_source_files(actual)) if actual.exists() else set()
    problems = [f"missing: {actual / p}" for p in sorted(expected_files - actual_files)]
    problems += [f"not produced from the source (stale): {actual / p}" for p in sorted(actual_files - expected_files)]
    for relative in sorted(expected_files & actual_files):
        if not filecmp.cmp(expected / relative, actual / relative, shallow=False):
            problems.append(f"out of date: {actual / relative}")
    return problems


def regenerate(source: Path, destination: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "tree"
        migrate_tree(source, fresh)
        if destination.exists():
            shutil.rmtree(destination)
        shutil.copytree(fresh, destination)


def check(source: Path, destination: Path) -> List[str]:
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "tree"
        migrate_tree(source, fresh)
        return tree_differences(fresh, destination)


def main(argv: Sequence[str]) -> int:
    if len(argv) != 3 or argv[0] not in ("regenerate", "check"):
        print("usage: python -m codemods.tree regenerate|check SRC DST", file=sys.stderr)
        return 2
    command, source, destination = argv[0], Path(argv[1]), Path(argv[2])
    try:
        if command == "regenerate":
            regenerate(source, destination)
            print(f"{destination} regenerated from {source}")
            return 0
        problems = check(source, destination)
    except TreeMigrationError as exc:
        print(f"cannot migrate {source}:\n{exc}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    if problems:
        print(f"{destination} is not what agno-migrate makes of {source}: run scripts/regenerate-migrated",
              file=sys.stderr)
        return 1
    print(f"{destination} is up to date with {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
