"""``agno-migrate snapshot``: the migrated copy is what ``apply`` writes, and the
"Prove your migration" page (docs/prove-your-migration.md) runs as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from click.testing import CliRunner

from codemods import cli
from codemods.snapshot import differences, import_snapshot

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "docs" / "prove-your-migration.md"

FENCE = re.compile(r'^```(\w*)(?:[ \t]+title="([^"]+)")?[ \t]*\n(.*?)^```[ \t]*$', re.M | re.S)
EXIT = re.compile(r"\s+#\s*exit (\d+)\b.*$")


# -- the page, as written ------------------------------------------------------------


def page_files() -> Dict[str, str]:
    """``title="path"`` code blocks: path -> content."""
    return {title: body for _lang, title, body in FENCE.findall(PAGE.read_text()) if title}


def page_commands() -> List[Tuple[str, int, List[str]]]:
    """``console`` blocks: (command, expected exit status, expected output lines), in page order."""
    steps: List[Tuple[str, int, List[str]]] = []
    for lang, _title, body in FENCE.findall(PAGE.read_text()):
        if lang != "console":
            continue
        for line in body.splitlines():
            if line.startswith("$ "):
                command = line[2:]
                match = EXIT.search(command)
                steps.append((command, int(match.group(1)) if match else 0, []))
            else:
                assert steps, f"output before any command in a console block: {line!r}"
                steps[-1][2].append(line)
    return steps


def output_pattern(expected: List[str]) -> "re.Pattern[str]":
    """Expected lines in order; ``...`` alone is any number of lines, ``...`` in a line any text."""
    parts = []
    for line in expected:
        if line == "...":
            parts.append(r"(?:.*\n)*?")
        else:
            parts.append(".*".join(re.escape(piece) for piece in line.split("...")) + r"\n")
    return re.compile("".join(parts))


def test_output_pattern_is_strict() -> None:
    """The comparison the page test relies on can fail: a missing, extra or changed line does."""
    assert output_pattern(["a", "...", "c ..."]).fullmatch("a\nb\nb\nc 12s\n")
    assert not output_pattern(["a", "c"]).fullmatch("a\nb\nc\n")
    assert not output_pattern(["a"]).fullmatch("a\nextra\n")
    assert not output_pattern(["3 passed in ..."]).fullmatch("1 failed, 2 passed in 3s\n")
    assert output_pattern([]).fullmatch("")


def test_page_runs_as_written(tmp_path: Path) -> None:
    """Write the page's files into a fresh project, run its commands from there in order,
    and compare each command's exit status and output with the page."""
    project = tmp_path / "project"
    files = page_files()
    assert {"pyproject.toml", "newsdesk/workflow.py", "tests/test_migration_parity.py"} <= set(files)
    for name, body in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(body)
    legacy_workflow = (project / "newsdesk" / "workflow.py").read_text()
    env = dict(os.environ, AGNO_TELEMETRY="false",
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    env.pop("PYTHONPATH", None)
    steps = page_commands()
    assert [command.split()[0] for command, _, _ in steps] == [
        "agno-migrate", "agno-migrate", "grep", "grep", "diff", "pytest", "agno-migrate", "diff", "rm"]
    for command, status, expected in steps:
        done = subprocess.run(["bash", "-c", command], cwd=project, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=600)
        output = done.stdout if not done.stdout or done.stdout.endswith("\n") else done.stdout + "\n"
        assert done.returncode == status, f"$ {command}\n{output}"
        assert output_pattern(expected).fullmatch(output), f"$ {command}\n{output}"
    # What the page claims beyond the output it shows: apply wrote what the copy held (the
    # ignored rule did not run, the unsafe fix was made), and the test and the copy are gone.
    migrated = (project / "newsdesk" / "workflow.py").read_text()
    assert "asyncio.gather" in legacy_workflow and "asyncio.gather" not in migrated
    assert "async def arun" in migrated and "with ThreadPoolExecutor(" in migrated
    assert not (project / ".agno-migrate").exists() and not (project / "tests" / "test_migration_parity.py").exists()


# -- snapshot is apply ----------------------------------------------------------------


CONFIG = ('[project]\nname = "demo"\nrequires-python = ">=3.11"\n\n'
          '[tool.agno-migrate]\nignore = ["AGM004"]\nexclude = ["vendored"]\nunsafe-fixes = true\n')
ECHO = """from typing import Iterator

from agno.run.response import RunResponseContentEvent
from agno.workflow import Workflow


def _run_echo_flow(message: str) -> Iterator[RunResponseContentEvent]:
    yield RunResponseContentEvent(content=message)


class Echo(Workflow):
    def run(self, message: str) -> Iterator[RunResponseContentEvent]:
        yield from _run_echo_flow(message)
"""
SUMMARY = """import asyncio

from agno.agent import Agent

agent = Agent(telemetry=False)


def summarize(text: str) -> str:
    return str(asyncio.run(agent.arun(text)).content)
"""
#: Event loops AGM009 leaves alone (reported, not rewritten), for --strict.
LOOPY = """import asyncio

from agno.workflow import Workflow


class Loopy(Workflow):
    def run(self, message: str):
        loop = asyncio.new_event_loop()
        return loop.run_until_complete(self.answer(message))

    async def answer(self, message: str) -> str:
        return message
"""


def small_project(root: Path) -> Path:
    """A project whose configuration ignores AGM004 and excludes vendored/: src/app/echo.py
    (AGM001, AGM007, AGM008), src/app/summary.py and src/app/vendored/summary.py (AGM004), a data file."""
    app = root / "src" / "app"
    (app / "vendored").mkdir(parents=True)
    (root / "pyproject.toml").write_text(CONFIG)
    (app / "__init__.py").write_text("")
    (app / "echo.py").write_text(ECHO)
    (app / "summary.py").write_text(SUMMARY)
    (app / "vendored" / "summary.py").write_text(SUMMARY)
    (app / "notes.txt").write_text("not Python: copied as it is\n")
    return root


def invoke(args: List[str]) -> Tuple[int, str]:
    result = CliRunner().invoke(cli.main, args, catch_exceptions=False)
    return result.exit_code, result.output


def tree(root: Path) -> Dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.mark.parametrize("flags", [[], ["--isolated"], ["--ignore", "AGM001"], ["--select", "AGM004"],
                                   ["--target-version", "py310"]], ids=lambda f: " ".join(f) or "config")
def test_snapshot_is_what_apply_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flags: List[str]) -> None:
    """With the same configuration and flags, the copy is byte for byte the tree apply rewrites."""
    project = small_project(tmp_path / "project")
    monkeypatch.chdir(project)
    original = tree(project / "src")
    code, output = invoke(["snapshot", *flags, "src", str(tmp_path / "copy")])
    assert code == 0, output
    assert tree(project / "src") == original  # SRC untouched
    code, output = invoke(["apply", *flags, "src"])
    assert code == 0, output
    applied = tree(project / "src")
    assert applied != original
    assert tree(tmp_path / "copy") == applied


def test_snapshot_honours_the_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ignored rule does not run and the excluded directory is copied as it is; with --isolated
    (no configuration) both are migrated."""
    project = small_project(tmp_path / "project")
    monkeypatch.chdir(project)
    assert invoke(["snapshot", "src", str(tmp_path / "configured")])[0] == 0
    assert invoke(["snapshot", "--isolated", "src", str(tmp_path / "isolated")])[0] == 0
    for copy, expected in ((tmp_path / "configured", SUMMARY), (tmp_path / "isolated", None)):
        for summary in (copy / "app" / "summary.py", copy / "app" / "vendored" / "summary.py"):
            assert (summary.read_text() == SUMMARY) == (expected is not None), summary
        assert "async def arun" in (copy / "app" / "echo.py").read_text()  # migrated either way


def test_tree_module_reads_the_configuration(tmp_path: Path) -> None:
    """``python -m codemods.tree`` (snapshot under its old name) honours [tool.agno-migrate] too,
    takes snapshot's options after DST, and its stale-copy message names a command the user
    has, not this repository's scripts/regenerate-migrated."""
    project = small_project(tmp_path / "project")
    env = dict(os.environ, AGNO_TELEMETRY="false", PYTHONPATH=str(REPO))

    def tree_module(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "codemods.tree", *args], cwd=project, env=env,
                              capture_output=True, text=True, timeout=300)

    made = tree_module("regenerate", "src", "out")
    assert made.returncode == 0, made.stderr
    assert (project / "out" / "app" / "summary.py").read_text() == SUMMARY  # AGM004 ignored
    assert (project / "out" / "app" / "echo.py").read_text() != ECHO
    assert tree_module("check", "src", "out").returncode == 0
    isolated = tree_module("check", "src", "out", "--isolated")
    assert isolated.returncode == 1 and f"out of date: out{os.sep}app{os.sep}summary.py" in isolated.stdout
    (project / "out" / "app" / "notes.txt").write_text("edited\n")
    stale = tree_module("check", "src", "out")
    assert stale.returncode == 1 and stale.stdout == f"out of date: out{os.sep}app{os.sep}notes.txt\n"
    assert "regenerate-migrated" not in stale.stderr and "agno-migrate snapshot --force src out" in stale.stderr


# -- refusals, --check, --force, --strict -------------------------------------------------


def test_destination_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = small_project(tmp_path / "project")
    monkeypatch.chdir(project)
    code, output = invoke(["snapshot", "src", "src/inside"])
    assert code == 2 and "overlap" in output and not Path("src/inside").exists()
    code, output = invoke(["snapshot", "src"])
    assert code == 2 and "expected SRC DST" in output
    code, output = invoke(["snapshot", "missing", "out"])
    assert code == 2 and "missing: no such file or directory" in output
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine")
    code, output = invoke(["snapshot", "src", str(full)])
    assert code == 2 and "--force" in output and (full / "keep.txt").read_text() == "mine"
    code, output = invoke(["snapshot", "--force", "src", str(full)])
    assert code == 0, output
    assert not (full / "keep.txt").exists() and (full / "app" / "notes.txt").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".agno-migrate")] == []  # no scratch left
    code, output = invoke(["snapshot", "--force", "src/app/echo.py", str(full)])  # never replaces a directory
    assert code == 2 and "is a directory" in output and (full / "app" / "notes.txt").exists()
    code, output = invoke(["snapshot", "src/app/echo.py", str(tmp_path / "echo.py")])  # a single file
    assert code == 0 and (tmp_path / "echo.py").read_text() == (full / "app" / "echo.py").read_text() != ECHO


def test_check_mode_and_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = small_project(tmp_path / "project")
    monkeypatch.chdir(project)
    copy = tmp_path / "copy"
    assert invoke(["snapshot", "src", str(copy)])[0] == 0
    code, output = invoke(["snapshot", "--check", "src", str(copy)])
    assert code == 0 and "up to date" in output
    (copy / "extra.py").write_text("")
    echo = copy / "app" / "echo.py"
    echo.write_text(echo.read_text() + "# hand edit\n")
    before = tree(copy)
    code, output = invoke(["snapshot", "--check", "src", str(copy)])
    assert code == 1
    assert f"out of date: {echo}" in output and f"not produced from the source (stale): {copy / 'extra.py'}" in output
    assert tree(copy) == before  # --check writes nothing
    (project / "src" / "app" / "loopy.py").write_text(LOOPY)
    assert invoke(["snapshot", "--force", "src", str(copy)])[0] == 0
    code, output = invoke(["snapshot", "--strict", "--force", "src", str(copy)])
    assert code == 1 and "AGM009 [left alone]" in output
    assert invoke(["snapshot", "--check", "src", str(copy)])[0] == 0  # written all the same


def test_differences_lists_every_kind(tmp_path: Path) -> None:
    expected, actual = tmp_path / "expected", tmp_path / "actual"
    for root in (expected, actual):
        (root / "pkg").mkdir(parents=True)
        (root / "pkg" / "same.py").write_text("x = 1\n")
    (expected / "pkg" / "gone.py").write_text("")
    (expected / "pkg" / "edited.py").write_text("a\n")
    (actual / "pkg" / "edited.py").write_text("b\n")
    (actual / "pkg" / "__pycache__").mkdir()
    (actual / "pkg" / "__pycache__" / "same.cpython-311.pyc").write_bytes(b"\0")
    (actual / "extra.txt").write_text("")
    assert differences(expected, actual) == [
        f"missing: {actual / 'pkg' / 'gone.py'}",
        f"not produced from the source (stale): {actual / 'extra.txt'}",
        f"out of date: {actual / 'pkg' / 'edited.py'}",
    ]


# -- import_snapshot -----------------------------------------------------------------------


def make_package(root: Path, greeting: str) -> None:
    (root / "greeter").mkdir(parents=True)
    (root / "greeter" / "__init__.py").write_text("")
    (root / "greeter" / "words.py").write_text(f"GREETING = {greeting!r}\n")
    (root / "greeter" / "api.py").write_text("from greeter.words import GREETING\nfrom . import words\n\n"
                                             "def greet():\n    return GREETING, words.GREETING\n")


def test_import_snapshot_loads_the_copy_next_to_the_original(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    make_package(tmp_path / "legacy", "hello")
    make_package(tmp_path / "copy", "bonjour")
    monkeypatch.syspath_prepend(str(tmp_path / "legacy"))
    import greeter.api as legacy  # type: ignore[import-not-found]

    try:
        before = {name: module for name, module in sys.modules.items() if name.startswith("greeter")}
        migrated = import_snapshot(tmp_path / "copy", "greeter.api")
        assert legacy.greet() == ("hello", "hello")
        assert migrated.greet() == ("bonjour", "bonjour")  # absolute and relative imports from the copy
        assert {n: m for n, m in sys.modules.items() if n.startswith("greeter")} == before
        with pytest.raises(ModuleNotFoundError, match="no module 'greeter' in"):
            import_snapshot(tmp_path / "nowhere", "greeter.api")
        assert {n: m for n, m in sys.modules.items() if n.startswith("greeter")} == before
    finally:
        for name in [n for n in sys.modules if n == "greeter" or n.startswith("greeter.")]:
            del sys.modules[name]


def test_parity_on_a_snapshot_catches_a_changed_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's recipe has teeth: an edited migrated copy fails check_parity."""
    pytest.importorskip("agno")
    from codemods.parity.fake_model import ScriptedModel
    from codemods.parity.harness import ParityError, Scenario, check_parity

    project = tmp_path / "project"
    for name, body in page_files().items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(body)
    monkeypatch.chdir(project)
    assert invoke(["snapshot", "newsdesk", str(tmp_path / "copy" / "newsdesk")])[0] == 0
    flow = tmp_path / "copy" / "newsdesk" / "workflow.py"
    flow.write_text(flow.read_text().replace('f"Briefing: {headline} (', 'f"Summary: {headline} (', 1))
    monkeypatch.syspath_prepend(str(project))
    try:
        import newsdesk.workflow as legacy  # type: ignore[import-not-found]

        migrated = import_snapshot(tmp_path / "copy", "newsdesk.workflow")

        def make(module):
            return lambda scenario: module.Newsdesk(model=ScriptedModel(responder=lambda u, s: "Rates hold steady"),
                                                    wires=["reuters"])

        with pytest.raises(ParityError) as failed:
            check_parity(make(legacy), make(migrated), [Scenario("markets", {"topic": "markets"})])
        assert "Summary: Rates hold steady" in str(failed.value)
        # Only the async subflow (the first in the file) was edited: arun() diverges, run() does not.
        assert [result.mode for result in failed.value.results if not result.ok] == ["arun"]
    finally:
        for name in [n for n in sys.modules if n == "newsdesk" or n.startswith("newsdesk.")]:
            del sys.modules[name]


def test_keep_leaves_another_snapshot_inside_dst_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--keep SUB: a directory of DST that is not part of this snapshot is neither compared nor replaced."""
    from click.testing import CliRunner

    from codemods.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "flow.py").write_text("print('clean')\n")
    (tmp_path / "dst" / "other").mkdir(parents=True)
    (tmp_path / "dst" / "other" / "kept.py").write_text("kept = True\n")

    def snap(*args: str):
        return CliRunner().invoke(main, ["snapshot", "--isolated", *args, "src", "dst"], catch_exceptions=False)

    assert snap("--check").exit_code == 1  # other/kept.py is stale without --keep
    assert snap("--force", "--keep", "other").exit_code == 0
    assert (tmp_path / "dst" / "other" / "kept.py").read_text() == "kept = True\n"
    assert (tmp_path / "dst" / "flow.py").exists()
    assert snap("--check", "--keep", "other").exit_code == 0
    (tmp_path / "src" / "other").mkdir()
    (tmp_path / "src" / "other" / "kept.py").write_text("clash = True\n")
    clash = snap("--force", "--keep", "other")
    assert clash.exit_code == 2 and "src has that path too" in clash.stderr
    assert (tmp_path / "dst" / "other" / "kept.py").read_text() == "kept = True\n"  # nothing lost
