"""The CLI habits ruff users expect (#16): -V, `rules CODE`, NO_COLOR/FORCE_COLOR, one
spelling of the output options, findings in path order, --statistics,
--extend-exclude, stdin, a notice when --ignore drops a rule another one needs,
and JSON that says what was applied."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from codemods.cli import main

ARUN = '''import asyncio

from agno.agent import Agent


def route(message):
    agent = Agent(name="router", telemetry=False)
    return asyncio.run(agent.arun(message))
'''


def invoke(*args: str, env=None, stdin=None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, input=stdin, catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("b.py", "a.py", "gen/c.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(ARUN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_version_short_flag() -> None:
    result = invoke("-V")
    assert result.exit_code == 0 and result.output.startswith("agno-migrate, version ")


def test_rules_code_prints_one_rules_docs() -> None:
    result = invoke("rules", "agm004")
    assert result.exit_code == 0
    assert result.output.startswith("AGM004 asyncio-run-arun\n") and "## Fix safety" in result.output
    assert "AGM005" not in result.output.split("\n")[0]
    data = json.loads(invoke("rules", "AGM005", "--output-format", "json").output)
    assert [rule["code"] for rule in data] == ["AGM005"] and data[0]["fix_safety"] == "unsafe"
    bad = invoke("rules", "AGM999")
    assert bad.exit_code == 2 and "unknown rule 'AGM999'" in bad.stderr


def test_color_follows_no_color_and_force_color(project: Path) -> None:
    assert "\x1b[" in invoke("diff", "a.py", env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" not in invoke("diff", "a.py", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "\x1b[" in invoke("diff", "--color", "a.py", env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in invoke("diff", "a.py").stdout  # not a terminal


def test_findings_in_path_order(project: Path) -> None:
    result = invoke("check", "b.py", "gen", "a.py")
    paths = [line.split(":")[0] for line in result.stdout.splitlines()]
    assert paths == sorted(paths) and set(paths) == {"a.py", "b.py", str(Path("gen") / "c.py")}


def test_statistics(project: Path) -> None:
    result = invoke("check", "--statistics", ".")
    assert result.exit_code == 1
    assert result.stdout == "    3  AGM004  3 fixable, 0 unsafe not applied, 0 left alone\n"
    data = json.loads(invoke("check", "--statistics", "--output-format", "json", ".").stdout)
    assert data == [{"code": "AGM004", "count": 3, "fixes": 3, "unsafe_not_applied": 0, "left_alone": 0}]


def test_extend_exclude_adds_to_exclude(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.agno-migrate]\nexclude = ["gen"]\n')
    assert {line.split(":")[0] for line in invoke("check", ".").stdout.splitlines()} == {"a.py", "b.py"}
    only_a = invoke("check", "--extend-exclude", "b.py", ".").stdout
    assert {line.split(":")[0] for line in only_a.splitlines()} == {"a.py"}
    (project / "pyproject.toml").write_text('[tool.agno-migrate]\nextend-exclude = ["a.py"]\n')
    listed = {line.split(":")[0] for line in invoke("check", ".").stdout.splitlines()}
    assert listed == {"b.py", str(Path("gen") / "c.py")}


def test_stdin(project: Path) -> None:
    checked = invoke("check", "-", "--stdin-filename", "src/route.py", stdin=ARUN)
    assert checked.exit_code == 1 and checked.stdout.startswith("src/route.py:8:12 AGM004 ")
    applied = invoke("apply", "-", "-q", stdin=ARUN)
    assert applied.exit_code == 0
    assert "return agent.run(message, stream=False)" in applied.stdout and "AGM004" in applied.stderr
    assert (project / "a.py").read_text() == ARUN  # nothing on disk is touched
    clean = invoke("check", "-", stdin="print('hello')\n")
    assert clean.exit_code == 0 and clean.stdout == ""
    assert invoke("check", "-", "a.py").exit_code == 2
    assert invoke("check", "--stdin-filename", "x.py", "a.py").exit_code == 2


def test_ignoring_a_required_rule_drops_its_dependents_with_a_notice(project: Path) -> None:
    result = invoke("check", "--ignore", "AGM007", "a.py")
    assert "note: AGM002 does not run: it needs AGM007, which is ignored" in result.stderr
    quiet = invoke("check", "--ignore", "AGM007", "-q", "a.py")
    assert "note:" not in quiet.stderr
    assert "note:" not in invoke("check", "--ignore", "AGM00", "a.py").stderr  # a prefix is not a rule


def test_json_says_what_was_applied(project: Path) -> None:
    checked = json.loads(invoke("check", "--output-format", "json", "a.py").stdout)["findings"]
    assert checked and all(f["fixable"] and not f["applied"] and "fixed" not in f for f in checked)
    applied = json.loads(invoke("apply", "--output-format", "json", "a.py").stdout)["findings"]
    assert applied and all(f["applied"] for f in applied)


def test_review_uses_the_same_option_spelling(project: Path) -> None:
    result = invoke("review", "--output-format", "markdown", "--output-file", "r.md", "a.py")
    assert result.exit_code == 0 and (project / "r.md").read_text().startswith("## agno-migrate")
    assert invoke("review", "--format", "html", "-o", "r.html", "a.py").exit_code == 0  # the old spellings too
