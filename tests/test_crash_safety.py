"""SIGKILL in the middle of ``agno-migrate apply``: every file is wholly old or wholly new.

A tree of 320 copies of the legacy Financial Assistant workflow plus two
~2 MB generated modules is migrated by ``agno-migrate apply`` in a
subprocess, which is killed (SIGKILL, its whole process group, workers
included) while it runs:

1. serially, as soon as a temporary file shows up once a file was already
   rewritten: the kill lands in the middle of a write (if the poll catches
   one; otherwise right after one);
2. resumed with ``-j 2`` on the half-migrated tree, killed once two more
   files changed.

After each kill every source file must be byte-equal to its original or to
its migration, some but not all files must have changed, and the only
other files allowed are the engine's temporary files,
``.agno-migrate-<random>.tmp``: not ``.py``, so never taken for source (the
file walk ignores them), and holding a prefix of a migrated file.  That is
what a kill can leave behind; nothing else.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import pytest

from codemods.engine import iter_python_files, migrate_source
from codemods.rules import select_rules

ROOT = Path(__file__).resolve().parent.parent
AGNO_MIGRATE = Path(sys.executable).with_name("agno-migrate")
WORKFLOW = ROOT / "legacy" / "financial_assistant" / "workflow.py"
COPIES = 320
TEMP_PREFIX = ".agno-migrate-"

BIG_BODY = (
    b"import asyncio\n\nPOLICY = asyncio.get_event_loop_policy\n\n# Generated data.\nDATA = [\n"
    + b"".join(b'    "%s",\n' % (b"%06d" % index * 160) for index in range(2100))
    + b"]\n\n\nclass Flow:\n    def answer(self, x):\n        return asyncio.run(self.agent.arun(x, stream=False))\n"
)

pytestmark = pytest.mark.slow


def build_tree(root: Path) -> Dict[Path, Tuple[bytes, bytes]]:
    """Write the tree; return ``path -> (old bytes, new bytes)``."""
    rules = select_rules()
    old_workflow = WORKFLOW.read_bytes()
    # Unsafe fixes on, as in the apply below: every file of the tree has something to rewrite.
    new_workflow = migrate_source(old_workflow, rules, str(WORKFLOW), {"unsafe_fixes": True}).migrated
    new_big = migrate_source(BIG_BODY, rules, "big.py", {"unsafe_fixes": True}).migrated
    assert new_workflow is not None and new_workflow != old_workflow
    assert new_big is not None and new_big != BIG_BODY and len(new_big) != len(BIG_BODY)
    assert len(new_workflow) != len(old_workflow)  # so st_size tells changed files apart
    expected: Dict[Path, Tuple[bytes, bytes]] = {}
    root.mkdir()
    for index in range(2):
        expected[root / f"big_{index}.py"] = (BIG_BODY, new_big)
    for index in range(COPIES):
        expected[root / f"wf_{index:03d}.py"] = (old_workflow, new_workflow)
    for path, (old, _) in expected.items():
        path.write_bytes(old)
    return expected


def changed_count(expected: Dict[Path, Tuple[bytes, bytes]]) -> int:
    count = 0
    for path, (old, _) in expected.items():
        try:
            if path.stat().st_size != len(old):
                count += 1
        except FileNotFoundError:  # never expected: os.replace keeps the name in place
            count += 1
    return count


def temp_files(root: Path) -> List[str]:
    return [name for name in os.listdir(root) if name.startswith(TEMP_PREFIX)]


def run_and_kill(
    root: Path,
    expected: Dict[Path, Tuple[bytes, bytes]],
    jobs: int,
    should_kill: Callable[[int, bool], bool],
    timeout: float = 240,
) -> None:
    """Start ``apply``; SIGKILL its process group once ``should_kill(changed files, temp file seen)``."""
    process = subprocess.Popen(
        [str(AGNO_MIGRATE), "apply", "--isolated", "--unsafe-fixes", "-q", "-j", str(jobs), str(root)],
        cwd=root.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill reaches the -j workers too
        env={**os.environ, "AGNO_TELEMETRY": "false"},
    )
    deadline = time.monotonic() + timeout
    try:
        while True:
            assert process.poll() is None, "apply finished before it could be killed"
            assert time.monotonic() < deadline, "apply made no progress"
            seen_temp = bool(temp_files(root))
            changed = changed_count(expected)
            if should_kill(changed, seen_temp):
                break
            time.sleep(0.001 if changed else 0.05)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)


def verify(root: Path, expected: Dict[Path, Tuple[bytes, bytes]]) -> Tuple[int, List[str]]:
    """Every file wholly old or new; only temp files beside them.  Returns (changed, leftovers)."""
    changed = 0
    for path, (old, new) in expected.items():
        data = path.read_bytes()
        assert data in (old, new), f"{path.name} is neither the original nor the migration ({len(data)} bytes)"
        assert (path.stat().st_mode & 0o777) == 0o644, path.name
        changed += data == new
    leftovers = sorted(set(os.listdir(root)) - {path.name for path in expected})
    news = {new for _, new in expected.values()}
    for name in leftovers:
        # What a kill may leave: a temporary file that is not Python source...
        assert name.startswith(TEMP_PREFIX) and name.endswith(".tmp") and not name.endswith(".py"), name
        # ...holding (part of) a migrated file, never anything else.
        content = (root / name).read_bytes()
        assert any(new.startswith(content) for new in news), name
    walked = set(iter_python_files([str(root)]))
    assert walked == {str(path) for path in expected}, "a leftover would be taken for source"
    return changed, leftovers


def test_sigkill_mid_apply_leaves_every_file_whole(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    expected = build_tree(root)
    total = len(expected)

    # 1. Serial run, killed as soon as a write is in flight once one file was written
    #    (or, if the poll never sees a temporary file, after four files).
    run_and_kill(root, expected, 1, lambda changed, temp: (changed >= 1 and temp) or changed >= 4)
    first, leftovers_1 = verify(root, expected)
    assert 0 < first < total

    # 2. Resumed on the half-migrated tree (leftovers in place) with two workers.
    run_and_kill(root, expected, 2, lambda changed, temp: changed >= first + 2)
    second, leftovers_2 = verify(root, expected)
    assert first < second < total

    # Record what was left (visible with -s / -rA): only .agno-migrate-*.tmp files, if any.
    print(f"changed after kill 1: {first}/{total}, after kill 2: {second}/{total}; "
          f"leftovers: {leftovers_1 + [name for name in leftovers_2 if name not in leftovers_1]}")
