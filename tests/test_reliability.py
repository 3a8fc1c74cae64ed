"""Reliability, round 2 (issue #14): what a hostile tester did to ``agno-migrate apply``.

Process-level failures (a concurrent edit, a segfaulting or hanging parser,
``kill -9``) run the real CLI in a subprocess, ``python -m tests.hostile``:
the CLI with test-only rules that wait for the test, crash, hang or eat
memory on a marker (see :mod:`tests.hostile`).  The rest goes through the CLI
in-process.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import pytest
from click.testing import CliRunner, Result

from codemods import engine
from codemods.cli import main
from tests.hostile import install
from tests.test_cli import ARUN_SOURCE, POOL_SOURCE, write

REPO = Path(__file__).resolve().parent.parent
MIGRATED = ARUN_SOURCE.replace("asyncio.run(agent.arun(message))", "agent.run(message)")


@pytest.fixture
def hostile_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch.setattr)


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--isolated"], catch_exceptions=False)


def errors_of(stderr: str) -> Dict[str, str]:
    found = {}
    for line in stderr.splitlines():
        path, sep, message = line.partition(": error: ")
        if sep:
            found[path] = message
    return found


def start(*args: str, signals: Path, cwd: Path, env: Optional[dict] = None) -> subprocess.Popen:
    signals.mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.hostile", *args, "--isolated"],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "AGNO_TELEMETRY": "false", "AGM_SIGNALS": str(signals),
             **(env or {})},
    )


def cli(*args: str, tmp: Path, env: Optional[dict] = None, timeout: float = 180) -> subprocess.CompletedProcess:
    process = start(*args, signals=tmp / "signals", cwd=tmp, env=env)
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def wait_for(condition, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


# -- a file edited while apply runs ---------------------------------------------------


def test_file_edited_during_apply_is_not_overwritten(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    slow = write(tree / "slow.py", ARUN_SOURCE + "# SLOW_MARKER\n")
    first = write(tree / "z.py", ARUN_SOURCE)
    signals = tmp_path / "signals"
    process = start("apply", str(tree), signals=signals, cwd=tmp_path)
    try:
        # Every file is read up front; z.py is migrated after slow.py: edit it while slow.py is.
        wait_for(lambda: (signals / "started-slow.py").exists(), what="slow.py")
        edited = ARUN_SOURCE + "\n\nEDITED_BY_SOMEONE_ELSE = True\n"
        first.write_text(edited)
        (signals / "go").touch()
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 2, err
    assert errors_of(err) == {str(first): "changed during the run, not written (run agno-migrate again)"}
    assert first.read_text() == edited
    assert slow.read_text() == MIGRATED + "# SLOW_MARKER\n"


def test_write_refuses_changed_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "a.py", "old\n")
    path.write_text("new\n")
    with pytest.raises(engine.ChangedDuringRun):
        engine.write_atomically(str(path), b"migrated\n", expected=b"old\n")
    assert path.read_text() == "new\n" and sorted(os.listdir(tmp_path)) == ["a.py", "work"]


# -- one pathological file costs one error --------------------------------------------


DEEP = ARUN_SOURCE + "X = " + "(" * 5000 + "1" + ")" * 5000 + "\n"
CHAIN = ARUN_SOURCE + "Z = " + "+".join(["1"] * 10_000) + "\n"
HUGE = ARUN_SOURCE + "".join(f"def f{i}(a):\n    return a + {i}\n\n" for i in range(170_000))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_pathological_files_cost_one_error_each(tmp_path: Path, jobs: str) -> None:
    tree = tmp_path / "tree"
    files = {name: write(tree / name, text) for name, text in
             [("a.py", ARUN_SOURCE), ("deep.py", DEEP), ("chain.py", CHAIN), ("huge.py", HUGE), ("z.py", ARUN_SOURCE)]}
    started = time.monotonic()
    proc = cli("apply", "-j", jobs, str(tree), tmp=tmp_path)
    assert time.monotonic() - started < 60
    assert proc.returncode == 2, proc.stderr
    errors = {Path(path).name: message for path, message in errors_of(proc.stderr).items()}
    assert set(errors) == {"deep.py", "chain.py", "huge.py"}, proc.stderr
    assert "nesting limit 100" in errors["deep.py"]
    assert "operator limit 1000" in errors["chain.py"]
    assert "line limit 50000" in errors["huge.py"]
    assert "Traceback" not in proc.stderr
    for name in ("a.py", "z.py"):
        assert files[name].read_text() == MIGRATED, name
    assert files["deep.py"].read_text() == DEEP and files["huge.py"].read_text() == HUGE


def _padded(marker: str, lines: int = 0) -> str:
    return ARUN_SOURCE + f"# {marker}\n" + "".join(f"V{i} = {i}\n" for i in range(lines))


@pytest.mark.parametrize("jobs, padding", [("2", 0), ("1", 2500)], ids=["j2", "j1-big-file"])
def test_a_crashing_parser_costs_one_file(tmp_path: Path, jobs: str, padding: int) -> None:
    """A segfault (what LibCST's parser does past its stack) in a worker: one error, the run goes on."""
    tree = tmp_path / "tree"
    crash = write(tree / "b_crash.py", _padded("CRASH_MARKER", padding))
    others = [write(tree / name, ARUN_SOURCE) for name in ("a.py", "c.py", "d.py")]
    proc = cli("apply", "-j", jobs, str(tree), tmp=tmp_path)
    assert proc.returncode == 2, proc.stderr
    errors = errors_of(proc.stderr)
    assert list(errors) == [str(crash)], proc.stderr
    assert "killed by SIGSEGV" in errors[str(crash)]
    assert "BrokenProcessPool" not in proc.stderr and "Traceback" not in proc.stderr
    assert crash.read_text() == _padded("CRASH_MARKER", padding)
    assert all(path.read_text() == MIGRATED for path in others)


@pytest.mark.parametrize("marker, env, expected", [
    ("HANG_MARKER", {"AGNO_MIGRATE_TIME_LIMIT": "3"}, "took longer than 3 s to migrate (time limit"),
    ("HOG_MARKER", {"AGNO_MIGRATE_MEMORY_LIMIT": "300"}, "needs more than 300 MB to migrate (memory limit"),
], ids=["time", "memory"])
def test_time_and_memory_limits_cost_one_file(tmp_path: Path, marker: str, env: dict, expected: str) -> None:
    tree = tmp_path / "tree"
    bad = write(tree / "b_bad.py", _padded(marker))
    others = [write(tree / name, ARUN_SOURCE) for name in ("a.py", "c.py")]
    started = time.monotonic()
    proc = cli("apply", "-j", "2", str(tree), tmp=tmp_path, env=env)
    assert time.monotonic() - started < 60
    assert proc.returncode == 2, proc.stderr
    assert errors_of(proc.stderr) == {str(bad): errors_of(proc.stderr).get(str(bad), "")}
    assert expected in errors_of(proc.stderr)[str(bad)], proc.stderr
    assert all(path.read_text() == MIGRATED for path in others)


def test_clean_and_small_files_stay_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               hostile_rules: None) -> None:
    """The normal path adds no process: small files with -j 1 are parsed in the main process."""
    from codemods import workers

    write(tmp_path / "a.py", ARUN_SOURCE)
    monkeypatch.setattr(workers, "migrate_supervised", lambda *a: pytest.fail("a worker was started"))
    assert invoke("apply", str(tmp_path)).exit_code == 0


# -- kill -9 -----------------------------------------------------------------------------


def _children(pid: int) -> List[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as handle:
        return [int(child) for child in handle.read().split()]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("target", ["main-process", "process-group"])
def test_kill_9_leaves_no_worker_and_no_write(tmp_path: Path, target: str) -> None:
    tree = tmp_path / "tree"
    files = {write(tree / f"s{index}.py", ARUN_SOURCE + "# SLOW_MARKER\n"): ARUN_SOURCE + "# SLOW_MARKER\n"
             for index in range(2)}
    files.update({write(tree / f"t{index}.py", ARUN_SOURCE): ARUN_SOURCE for index in range(4)})
    signals = tmp_path / "signals"
    process = start("apply", "-j", "2", str(tree), signals=signals, cwd=tmp_path)
    try:
        wait_for(lambda: len(list(signals.glob("started-*"))) == 2, what="both workers")
        workers = _children(process.pid)
        assert len(workers) == 2
        if target == "main-process":
            os.kill(process.pid, signal.SIGKILL)
        else:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        wait_for(lambda: not any(_alive(pid) for pid in workers), timeout=10, what="the workers to die")
        (signals / "go").touch()  # a surviving worker would go on now
        time.sleep(1.5)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert {path: path.read_text() for path in files} == files
    assert sorted(os.listdir(tree)) == sorted(path.name for path in files)


# -- links and metadata ------------------------------------------------------------------


def test_hard_linked_file_is_refused(tmp_path: Path, hostile_rules: None) -> None:
    tree = tmp_path / "tree"
    path = write(tree / "a.py", ARUN_SOURCE)
    other = tmp_path / "elsewhere.py"
    os.link(path, other)
    result = invoke("apply", str(tree))
    assert result.exit_code == 2
    assert "has 2 hard links" in errors_of(result.stderr)[str(path)]
    assert path.read_text() == ARUN_SOURCE == other.read_text()
    assert os.stat(path).st_ino == os.stat(other).st_ino


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_owner_group_and_xattrs_are_kept(tmp_path: Path, hostile_rules: None) -> None:
    path = write(tmp_path / "a.py", ARUN_SOURCE)
    os.chown(path, 12345, 23456)
    try:
        os.setxattr(path, "user.origin", b"vendor")
    except OSError:
        pytest.skip("no user extended attributes on this file system")
    assert invoke("apply", str(path)).exit_code == 0
    info = os.stat(path)
    assert path.read_text() == MIGRATED
    assert (info.st_uid, info.st_gid) == (12345, 23456)
    assert os.getxattr(path, "user.origin") == b"vendor"


def test_path_through_a_symlinked_directory_is_refused(tmp_path: Path, hostile_rules: None) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    target = write(outside / "x.py", ARUN_SOURCE)
    write(root / "own.py", ARUN_SOURCE)
    (root / "linkdir").symlink_to(outside, target_is_directory=True)
    (outside / "sub").mkdir()
    nested = write(outside / "sub" / "y.py", ARUN_SOURCE)
    for given in (root / "linkdir" / "x.py", root / "linkdir" / "sub"):
        result = invoke("apply", str(given), str(root / "own.py"))
        assert result.exit_code == 2, result.output
        message = next(iter(errors_of(result.stderr).values()))
        assert f"reached through the symbolic link {root / 'linkdir'}" in message
    assert target.read_text() == ARUN_SOURCE and nested.read_text() == ARUN_SOURCE
    assert (root / "own.py").read_text() == MIGRATED


def test_unreadable_directory_is_an_error(tmp_path: Path, hostile_rules: None, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = tmp_path / "tree"
    write(tree / "a.py", "x = 1\n")
    secret = tree / "secret"
    write(secret / "b.py", ARUN_SOURCE)
    if os.geteuid() == 0:  # root reads everything: make listing it fail
        real_listdir, real_scandir = os.listdir, os.scandir

        def listdir(path="."):
            if os.path.basename(os.fspath(path)) == "secret":
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real_listdir(path)

        def scandir(path="."):
            if os.path.basename(os.fspath(path)) == "secret":
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", scandir)
        monkeypatch.setattr(os, "listdir", listdir)
    else:
        secret.chmod(0)
    try:
        result = invoke("check", str(tree))
    finally:
        secret.chmod(0o755)
    assert result.exit_code == 2, result.output
    assert "directory not readable" in errors_of(result.stderr)[str(secret)]


# -- names and encodings -------------------------------------------------------------------


def test_name_the_file_encoding_cannot_hold_costs_one_file(tmp_path: Path, hostile_rules: None) -> None:
    latin = write(tmp_path / "a_latin.py", "")
    latin.write_bytes(b"# -*- coding: latin-1 -*-\n# caf\xe9\nclient.fetch(1)\n")
    utf8 = write(tmp_path / "b_utf8.py", "client.fetch(1)\n")
    result = invoke("apply", "--select", "HST005", "--name-map", "fetch=получить", str(tmp_path))
    assert result.exit_code == 2
    message = errors_of(result.stderr)[str(latin)]
    assert "cannot be written in the file's encoding (latin-1)" in message
    assert latin.read_bytes() == b"# -*- coding: latin-1 -*-\n# caf\xe9\nclient.fetch(1)\n"
    assert utf8.read_text() == "client.получить(1)\n"


def test_crlf_files_stay_crlf_in_generated_lines(tmp_path: Path) -> None:
    """Real rules generate whole methods (AGM007 twins): their lines end in CRLF too."""
    source = (REPO / "legacy" / "financial_assistant" / "workflow.py").read_bytes().replace(b"\n", b"\r\n")
    path = tmp_path / "workflow.py"
    path.write_bytes(source)
    result = invoke("apply", str(path))
    assert result.exit_code in (0, 1), result.output
    data = path.read_bytes()
    assert data != source
    assert data.count(b"\n") == data.count(b"\r\n")


def test_keep_crlf_leaves_mixed_files_alone() -> None:
    assert engine.keep_crlf(b"a\r\nb\n", b"a\r\nb\nc\n") == b"a\r\nb\nc\n"
    assert engine.keep_crlf(b"a\r\nb\r\n", b"a\r\nx\nb\r\n") == b"a\r\nx\r\nb\r\n"


# -- output ------------------------------------------------------------------------------


NON_UTF8 = os.fsdecode(b"caf\xe9.py")


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_non_utf8_file_name_in_every_format(tmp_path: Path, hostile_rules: None, fmt: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / NON_UTF8, ARUN_SOURCE)
    out = tmp_path / "report.out"
    monkeypatch.chdir(tmp_path)  # relative names, as in CI
    result = invoke("apply", "--output-format", fmt, "-o", str(out), ".")
    assert result.exit_code == 0, result.output
    assert path.read_text() == MIGRATED
    text = out.read_text(encoding="utf-8")
    if fmt in ("json", "sarif"):
        json.loads(text)
    if fmt == "sarif":
        assert "caf%E9.py" in text
    result = invoke("check", "--output-format", fmt, ".")  # to stdout
    assert result.exit_code == 0


def test_hostile_names_in_text_output(tmp_path: Path, hostile_rules: None) -> None:
    evil = write(tmp_path / "x.py\n::error file=pwn.py::owned\x1b]0;title\x07.py", ARUN_SOURCE)
    result = invoke("check", str(tmp_path))
    assert result.exit_code == 1
    for line in (result.stdout + result.stderr).splitlines():
        assert not line.startswith("::"), line
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout
    assert "x.py\\n::error file=pwn.py::owned\\x1b]0;title\\x07.py:5:12 TST001" in result.stdout
    diff = invoke("diff", str(tmp_path))
    assert diff.exit_code == 1 and all(not line.startswith("::") for line in diff.stdout.splitlines())
    assert evil.read_text() == ARUN_SOURCE


def test_hostile_names_in_the_markdown_review(tmp_path: Path, hostile_rules: None) -> None:
    name = "a`<img src=x onerror=alert(1)>`\n## Approved\n[click](javascript:alert(1)).py"
    write(tmp_path / name, ARUN_SOURCE)
    write(tmp_path / (name.replace("a`", "b`") + "x"), POOL_SOURCE)  # a spot left alone: listed by name
    write(tmp_path / "c<b>bad</b>.py", "import asyncio\nasyncio.run(x.arun(\n")  # an error: listed by name
    result = CliRunner().invoke(main, ["review", "--isolated", "--format", "markdown", str(tmp_path)])
    text = result.stdout
    assert not any(line.startswith("## Approved") or line.startswith("#") and "Approved" in line
                   for line in text.splitlines())
    # Raw HTML and links only ever inside a code span or the escaped <summary><code> HTML (both inert).
    inert = re.sub(r"<summary><code>[^<]*</code>", "", text)
    outside_code = "".join(part for index, part in enumerate(re.split(r"`+", inert)) if index % 2 == 0)
    for raw in ("<img", "<b>", "](javascript:"):
        assert raw not in outside_code, raw


def test_no_fix_is_claimed_for_a_file_that_was_not_written(tmp_path: Path, hostile_rules: None) -> None:
    path = write(tmp_path / "a.py", ARUN_SOURCE)
    path.chmod(0o444)
    for fmt in ("github", "sarif", "json"):
        result = invoke("apply", "--output-format", fmt, str(path))
        assert result.exit_code == 2
        assert path.read_text() == ARUN_SOURCE
        assert "1 file(s) checked, 0 rewritten, 0 fix(es)" in result.stderr
        if fmt == "github":
            assert "(fixed)" not in result.stdout and "::notice" not in result.stdout
            assert "TST001 (fixable)" in result.stdout
        elif fmt == "sarif":
            sarif = json.loads(result.stdout)["runs"][0]["results"]
            assert [r["properties"]["applied"] for r in sarif] == [False]
            assert [r["level"] for r in sarif] == ["error"]
        else:
            payload = json.loads(result.stdout)
            assert payload["summary"]["fixes"] == 0 and payload["findings"][0]["applied"] is False
