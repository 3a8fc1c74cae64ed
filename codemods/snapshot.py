"""``agno-migrate snapshot SRC DST``: a migrated copy of a tree, made exactly as ``apply`` would.

``apply`` rewrites files in place; to prove a migration before taking it, a
user needs the legacy code and the migrated code side by side.  ``snapshot``
runs the same engine as ``apply`` on SRC, with the same options, the same
configuration discovery (the nearest ``[tool.agno-migrate]`` from the current
directory, ``--config``, ``--isolated``), the same ``--select``/``--ignore``/
``--exclude``/``--unsafe-fixes``/``--target-version``/``--fanout-scope`` (the
command takes ``apply``'s target options), and the same check across the
files of the run, but writes nothing in SRC: DST receives a copy of
SRC in which every file ``apply SRC`` would rewrite holds the rewritten text.
Everything else (files no rule changes, excluded files, files that could not
be migrated, data files) is copied as it is.  Directories that never belong to
a copy (``.git``, virtual environments, caches: :data:`SKIPPED`) are left out.

The only difference from ``apply``: ``apply`` refuses to write some files in
place (read-only, several hard links, changed during the run); the copy holds
their migrated text all the same.

``--check`` writes nothing at all and lists how DST differs from a fresh
snapshot (exit 1), for a repository that commits its migrated copy.
``--keep SUB`` (repeatable) names a directory inside DST that is not part of
this snapshot (e.g. another target's snapshot kept inside it): it is neither
compared nor replaced.

:func:`import_snapshot` imports a module of the copy next to the legacy
module of the same name, for :func:`codemods.parity.harness.check_parity`
(see docs/prove-your-migration.md).
"""

from __future__ import annotations

import filecmp
import importlib
import importlib.abc
import importlib.machinery
import os
import shutil
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Dict, List, Optional, Sequence

from codemods import reports
from codemods.engine import FileResult

#: Directory names never copied: version control, virtual environments, caches.
SKIPPED = (".git", ".hg", ".svn", ".venv", "venv", "__pycache__", ".tox", ".nox", "node_modules",
           ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis")


class SnapshotError(Exception):
    """SRC or DST cannot be used; the message says why."""


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def check_paths(source: str, destination: str, *, replace: bool, check: bool) -> None:
    """Refuse what would lose data or loop: a missing SRC, DST inside SRC (or the reverse),
    a non-empty DST without ``replace``, a DST that is a file or a symbolic link."""
    if not os.path.exists(source):
        raise SnapshotError(f"{source}: no such file or directory")
    src, dst = os.path.realpath(source), os.path.realpath(destination)
    if _inside(dst, src) or _inside(src, dst):
        raise SnapshotError(f"{destination} and {source} overlap: the copy must go outside the source tree")
    if check:
        return
    if os.path.islink(destination):
        raise SnapshotError(f"{destination} is a symbolic link; give a real directory")
    if os.path.isdir(source) and os.path.exists(destination) and not os.path.isdir(destination):
        raise SnapshotError(f"{destination} exists and is not a directory")
    if os.path.isfile(source) and os.path.isdir(destination):
        raise SnapshotError(f"{destination} is a directory; give the path of the copy of {source}")
    if os.path.isdir(destination) and os.listdir(destination) and not replace:
        raise SnapshotError(f"{destination} is not empty; --force replaces it")
    if os.path.isfile(destination) and not replace:
        raise SnapshotError(f"{destination} exists; --force replaces it")


def migrated_texts(source: str, results: Sequence[FileResult]) -> Dict[str, bytes]:
    """Relative path (``""`` for a SRC file) -> the text ``apply`` would write, for every file it changes."""
    texts: Dict[str, bytes] = {}
    for result in results:
        if result.error is None and result.changed and result.migrated is not None:
            relative = os.path.relpath(result.path, source) if os.path.isdir(source) else ""
            texts[relative] = result.migrated
    return texts


def _kept(relative: Path, keep: Sequence[str]) -> bool:
    return any(relative == Path(k) or Path(k) in relative.parents for k in keep)


def build(source: str, destination: str, results: Sequence[FileResult]) -> None:
    """Write the snapshot of ``source`` (migrated as in ``results``) at the absent path ``destination``."""
    texts = migrated_texts(source, results)
    if os.path.isdir(source):
        shutil.copytree(source, destination, symlinks=True, ignore=shutil.ignore_patterns(*SKIPPED))
    else:
        shutil.copy2(source, destination)
    for relative, text in texts.items():
        target = os.path.join(destination, relative) if relative else destination
        mode = os.stat(target).st_mode & 0o7777
        os.unlink(target)  # the copy may be read-only, as its original
        with open(target, "wb") as handle:
            handle.write(text)
        os.chmod(target, mode)


def write(source: str, destination: str, results: Sequence[FileResult], keep: Sequence[str] = ()) -> None:
    """Build the snapshot next to ``destination``, then put it in place (replacing what
    was there, except the ``keep`` directories, which move into the new copy)."""
    parent = os.path.dirname(os.path.abspath(destination))
    os.makedirs(parent, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix=".agno-migrate-snapshot-", dir=parent)
    try:
        fresh = os.path.join(scratch, "tree")
        build(source, fresh, results)
        for kept in keep:  # every clash first: nothing is moved unless all can be
            if os.path.lexists(os.path.join(fresh, kept)):
                raise SnapshotError(f"--keep {kept}: {source} has that path too")
        for kept in keep:
            old = os.path.join(destination, kept)
            if os.path.isdir(old):
                os.makedirs(os.path.dirname(os.path.join(fresh, kept)), exist_ok=True)
                shutil.move(old, os.path.join(fresh, kept))
        if os.path.isdir(destination) and not os.path.islink(destination):
            shutil.rmtree(destination)
        elif os.path.lexists(destination):
            os.unlink(destination)
        os.replace(fresh, destination)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _files(root: Path) -> List[Path]:
    if root.is_file():
        return [Path("")]
    found = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED)
        found += [Path(directory, name).relative_to(root) for name in sorted(files)]
    return found


def differences(expected: Path, actual: Path, keep: Sequence[str] = ()) -> List[str]:
    """How ``actual`` differs from ``expected``, one line per file (empty when identical);
    the ``keep`` directories of ``actual`` are not looked at."""
    expected_files = set(_files(expected)) if expected.exists() else set()
    actual_files = {p for p in _files(actual) if not _kept(p, keep)} if actual.exists() else set()
    problems = [f"missing: {actual / p}" for p in sorted(expected_files - actual_files)]
    problems += [f"not produced from the source (stale): {actual / p}" for p in sorted(actual_files - expected_files)]
    for relative in sorted(expected_files & actual_files):
        if not filecmp.cmp(expected / relative, actual / relative, shallow=False):
            problems.append(f"out of date: {actual / relative}")
    return problems


def compare(source: str, destination: str, results: Sequence[FileResult], keep: Sequence[str] = ()) -> List[str]:
    """:func:`differences` between a fresh snapshot (in a temporary directory) and ``destination``."""
    with tempfile.TemporaryDirectory() as scratch:
        fresh = os.path.join(scratch, os.path.basename(os.path.abspath(source)) or "tree")
        build(source, fresh, results)
        return differences(Path(fresh), Path(destination), keep)


def run(source: str, destination: str, results: Sequence[FileResult], *, check: bool, strict: bool,
        quiet: bool, echo=print, keep: Sequence[str] = ()) -> int:
    """Write (or with ``check`` compare) the snapshot; report; return the exit code.

    2 when a file could not be migrated (it is copied as it is), else 1 when
    ``check`` found a difference or ``strict`` and a rule left a spot alone,
    else 0.  ``echo(text, err)`` prints.
    """
    for result in results:
        if result.error:
            echo(reports.error_line(result) + " (copied unmigrated)", True)
    left_alone = [f for r in results for f in r.findings if not f.fixed]
    for finding in left_alone:
        echo(reports.safe(finding.format()), True)
    changed = sum(1 for r in results if r.changed and r.error is None)
    if check:
        problems = compare(source, destination, results, keep)
        for problem in problems:
            echo(reports.safe(problem), False)
        if problems:
            echo(reports.safe(f"{destination} is not the snapshot agno-migrate makes of {source}: run "
                              f"`agno-migrate snapshot --force {source} {destination}` (with the same options) "
                              "to rewrite it"), True)
        elif not quiet:
            echo(reports.safe(f"{destination} is up to date with {source}"), True)
    else:
        write(source, destination, results, keep)
        problems = []
        if not quiet:
            echo(reports.safe(f"wrote {destination}: {len(results)} Python file(s) of {source} checked, "
                              f"{changed} migrated, {len(left_alone)} spot(s) left alone, "
                              f"{sum(1 for r in results if r.error)} error(s)"), True)
    if any(r.error for r in results):
        return 2
    return 1 if problems or (strict and left_alone) else 0


# -- importing a snapshot next to the legacy code -------------------------------------------------


class _SnapshotFinder(importlib.abc.MetaPathFinder):
    """Finds ``package`` (and its submodules) under ``root`` only, ahead of every other finder
    (an editable install's finder included)."""

    def __init__(self, root: str, package: str) -> None:
        self.root = root
        self.package = package

    def find_spec(self, fullname: str, path: Optional[Sequence[str]] = None, target: Optional[ModuleType] = None):
        if fullname != self.package and not fullname.startswith(self.package + "."):
            return None
        search = [self.root] if fullname == self.package else path
        spec = importlib.machinery.PathFinder.find_spec(fullname, search, target)
        if spec is None and fullname == self.package:
            raise ModuleNotFoundError(f"no module {fullname!r} in {self.root}", name=fullname)
        return spec


def import_snapshot(root: os.PathLike | str, name: str) -> ModuleType:
    """Import module ``name`` (e.g. ``"newsdesk.workflow"``) from the snapshot directory ``root``.

    ``root`` is the directory that holds the copied top-level package (the
    parent of ``DST`` when the snapshot was ``snapshot newsdesk DST``).  The
    copy's modules, and every module they import from their own package at
    import time (``from newsdesk.sources import ...`` as well as relative
    imports), come from ``root``; afterwards ``sys.modules`` is as it was, so
    ``import newsdesk.workflow`` still gives the legacy module.  What looks a
    module up by name later (an import inside a function, ``pickle``,
    ``sys.modules[cls.__module__]``) finds the legacy package.
    """
    package = name.partition(".")[0]

    def ours(module: str) -> bool:
        return module == package or module.startswith(package + ".")

    saved = {module: sys.modules.pop(module) for module in list(sys.modules) if ours(module)}
    finder = _SnapshotFinder(os.fspath(root), package)
    sys.meta_path.insert(0, finder)
    try:
        return importlib.import_module(name)
    finally:
        sys.meta_path.remove(finder)
        for module in [module for module in sys.modules if ours(module)]:
            del sys.modules[module]
        sys.modules.update(saved)
