"""The CLI: exit codes, rule selection, exclusion, output formats, apply, diff.

These tests run on tiny test-only rules (``TST00x``, defined below) so they
do not depend on the project's real rules, which change as they are written:
the ``test_rules`` fixture makes the registry (``codemods.rules.all_rules``,
hence ``select_rules``) and the ``rules`` command see only them.  The
``python -m codemods`` tests run in a subprocess on the real rules and only
compare that entry point with the in-process one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, List, Sequence, Type, Union

import click
import libcst as cst
import libcst.matchers as m
import pytest
from click.testing import CliRunner, Result

import codemods.cli
import codemods.rules
from codemods.cli import main
from codemods.rule import Rule

REPO = Path(__file__).resolve().parent.parent
LEGACY = REPO / "legacy"

# -- test-only rules ------------------------------------------------------------------


class ArunRule(Rule):
    """Call ``x.run(...)`` instead of ``asyncio.run(x.arun(...))``.

    ## What it does
    Rewrites ``asyncio.run(<x>.arun(args))`` into ``<x>.run(args)``.

    ## Why is this bad
    Every ``asyncio.run`` starts and stops a whole event loop.

    ## Example
    ```python
    asyncio.run(self.agent.arun(x))  # becomes self.agent.run(x)
    ```
    """

    code = "TST001"
    name = "test-asyncio-run-arun"
    summary = "asyncio.run(x.arun(...)) -> x.run(...)"
    triggers = (".arun(",)

    _PATTERN = m.Call(
        func=m.Attribute(value=m.Name("asyncio"), attr=m.Name("run")),
        args=[m.Arg(value=m.Call(func=m.Attribute(attr=m.Name("arun"))))],
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not m.matches(original_node, self._PATTERN):
            return updated_node
        inner = updated_node.args[0].value
        assert isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute)
        self.report(original_node, "asyncio.run(x.arun(...)) -> x.run(...)")
        return inner.with_changes(func=inner.func.with_changes(attr=cst.Name("run")))


class RenameEventRule(Rule):
    """Use ``RunResponse`` instead of ``RunResponseContentEvent``.

    ## What it does
    Renames every ``RunResponseContentEvent`` name to ``RunResponse``.

    ## Why is this bad
    Workflows yield ``RunResponse`` objects.

    ## Example
    ```python
    yield RunResponseContentEvent(content=x)  # becomes yield RunResponse(content=x)
    ```
    """

    code = "TST002"
    name = "test-rename-event"
    summary = "RunResponseContentEvent -> RunResponse"
    triggers = ("RunResponseContentEvent",)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if original_node.value == "RunResponseContentEvent":
            self.report(original_node, "RunResponseContentEvent -> RunResponse")
            return updated_node.with_changes(value="RunResponse")
        return updated_node

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> Union[cst.ImportFrom, cst.RemovalSentinel]:
        # An import of the renamed name becomes a duplicate: drop it without a finding.
        names = updated_node.names
        if not isinstance(names, cst.ImportStar) and [a.evaluated_name for a in names] == ["RunResponse"]:
            if updated_node.module is not None and m.matches(updated_node.module, m.Attribute(attr=m.Name("response"))):
                return cst.RemoveFromParent()
        return updated_node


class ThreadPoolRule(Rule):
    """Flag ``ThreadPoolExecutor`` fan-outs, which need a human.

    ## What it does
    Reports every ``ThreadPoolExecutor(...)`` call and changes nothing.

    ## Why is this bad
    One thread and event loop per item.

    ## Example
    ```python
    with ThreadPoolExecutor() as pool: ...
    ```
    """

    code = "TST003"
    name = "test-thread-pool"
    summary = "ThreadPoolExecutor fan-out left for a human"
    triggers = ("ThreadPoolExecutor(",)

    def visit_Call(self, node: cst.Call) -> None:
        if m.matches(node.func, m.Name("ThreadPoolExecutor")):
            self.report(node, "ThreadPoolExecutor fan-out: rewrite it by hand", fixed=False)


TEST_RULES: List[Type[Rule]] = [ArunRule, RenameEventRule, ThreadPoolRule]


def install_test_rules(set_attribute: Callable[[object, str, object], None] = setattr) -> None:
    """Make the registry (and so the CLI) see only the test rules."""
    by_code = {rule.code: rule for rule in TEST_RULES}
    set_attribute(codemods.rules, "rule_codes", lambda: list(by_code))
    set_attribute(codemods.rules, "load_rule", by_code.__getitem__)


@pytest.fixture
def test_rules(monkeypatch: pytest.MonkeyPatch) -> List[Type[Rule]]:
    install_test_rules(monkeypatch.setattr)
    return TEST_RULES


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run every test from an empty directory, away from the repo's pyproject.toml."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


ARUN_SOURCE = '''import asyncio


def route(agent, message):
    return asyncio.run(agent.arun(message))
'''

CLEAN_SOURCE = "def add(a, b):\n    return a + b\n"

POOL_SOURCE = '''from concurrent.futures import ThreadPoolExecutor


def fan_out(items):
    with ThreadPoolExecutor() as pool:
        return list(pool.map(str, items))
'''


# Contains a trigger of the test rules (and of AGM004), so the engine parses it and fails.
BROKEN_SOURCE = "import asyncio\nasyncio.run(x.arun(\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    write(root / "app" / "route.py", ARUN_SOURCE)
    write(root / "app" / "clean.py", CLEAN_SOURCE)
    return root


def copy_legacy(tmp_path: Path) -> Path:
    target = tmp_path / "legacy"
    shutil.copytree(LEGACY, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


# -- exit codes -------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "diff", "apply"])
def test_clean_tree_exits_0(test_rules, tmp_path: Path, command: str) -> None:
    write(tmp_path / "clean.py", CLEAN_SOURCE)
    result = invoke(command, str(tmp_path / "clean.py"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "clean.py").read_text() == CLEAN_SOURCE


@pytest.mark.parametrize("command", ["check", "diff"])
def test_findings_exit_1(test_rules, project: Path, command: str) -> None:
    result = invoke(command, str(project))
    assert result.exit_code == 1, result.output
    assert (project / "app" / "route.py").read_text() == ARUN_SOURCE  # nothing written


@pytest.mark.parametrize("command", ["check", "diff"])
def test_exit_zero(test_rules, project: Path, command: str) -> None:
    result = invoke(command, "--exit-zero", str(project))
    assert result.exit_code == 0, result.output
    assert "TST001" in result.output or "+" in result.output


# The exit-code matrix on warning-only files (a spot left alone, nothing to rewrite): see docs/usage.md.
@pytest.mark.parametrize("args, code", [
    (("check",), 1), (("diff",), 0), (("apply",), 0), (("apply", "--strict"), 1), (("apply", "--diff"), 0),
    (("apply", "--check"), 1), (("check", "--exit-zero"), 0), (("review",), 0),
], ids=["check", "diff", "apply", "apply-strict", "apply-diff", "apply-check", "check-exit-zero", "review"])
def test_exit_codes_on_warning_only_files(test_rules, tmp_path: Path, args: Sequence[str], code: int) -> None:
    pool = write(tmp_path / "pool.py", POOL_SOURCE)
    result = invoke(*args, str(pool))
    assert result.exit_code == code, result.output
    assert pool.read_text() == POOL_SOURCE


def test_left_alone_warning_alone_exits_1(test_rules, tmp_path: Path) -> None:
    """A spot a rule had to leave to a human still means migration is needed."""
    write(tmp_path / "pool.py", POOL_SOURCE)
    result = invoke("check", str(tmp_path / "pool.py"))
    assert result.exit_code == 1
    assert "TST003 [left alone]" in result.output


@pytest.mark.parametrize("command", ["check", "diff", "apply"])
def test_syntax_error_exits_2(test_rules, tmp_path: Path, command: str) -> None:
    bad = write(tmp_path / "bad.py", BROKEN_SOURCE)
    result = invoke(command, str(bad))
    assert result.exit_code == 2
    assert "syntax error" in result.output
    assert bad.read_text() == BROKEN_SOURCE


@pytest.mark.parametrize("command", ["check", "diff", "apply", "review"])
def test_missing_path_exits_2(test_rules, tmp_path: Path, command: str) -> None:
    result = invoke(command, str(tmp_path / "nope.py"))
    assert result.exit_code == 2
    assert "no such file" in result.output


@pytest.mark.parametrize("command", ["check", "diff", "apply", "review"])
def test_bad_select_exits_2(test_rules, project: Path, command: str) -> None:
    result = invoke(command, "--select", "NOPE999", str(project))
    assert result.exit_code == 2
    assert "unknown rule selector 'NOPE999'" in result.output
    assert (project / "app" / "route.py").read_text() == ARUN_SOURCE


@pytest.mark.parametrize("command", ["check", "diff", "apply", "review"])
def test_no_paths_and_no_config_exits_2(test_rules, command: str) -> None:
    result = invoke(command)
    assert result.exit_code == 2
    assert "no PATHS given" in result.output


def test_unknown_option_exits_2(test_rules) -> None:
    assert invoke("check", "--frobnicate", ".").exit_code == 2


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_rules_command_exits_0(test_rules, fmt: str) -> None:
    result = invoke("rules", "--format", fmt)
    assert result.exit_code == 0
    for rule in TEST_RULES:
        assert rule.code in result.output


def test_rules_bad_format_exits_2(test_rules) -> None:
    assert invoke("rules", "--format", "pdf").exit_code == 2


def test_rules_json_and_text(test_rules) -> None:
    data = json.loads(invoke("rules", "--format", "json").output)
    assert [item["code"] for item in data] == ["TST001", "TST002", "TST003"]
    assert data[0]["summary"] == ArunRule.summary and "What it does" in data[0]["doc"]
    assert invoke("rules").output.splitlines()[0] == f"TST001  test-asyncio-run-arun: {ArunRule.summary}"


def test_rules_markdown_is_a_table_then_sections(test_rules) -> None:
    text = invoke("rules", "--format", "markdown").output
    assert text.startswith("# agno-migrate rules\n")
    table_at = text.index("| Code | Name | Summary |")
    rows = [line for line in text.splitlines() if line.startswith("| [TST")]
    assert len(rows) == 3 and "[TST001](#tst001-test-asyncio-run-arun)" in rows[0]
    sections = [text.index(f"## {rule.code} `{rule.name}`") for rule in TEST_RULES]
    assert table_at < sections[0] < sections[1] < sections[2]
    # The docstrings' own "## What it does" headings are nested under the rule's heading.
    assert "### What it does" in text and "\n## What it does" not in text
    assert '<a id="tst001-test-asyncio-run-arun"></a>' in text
    assert "```python" in text  # examples keep their code fences


# -- selection and exclusion ------------------------------------------------------------


def codes_of(output: str) -> List[str]:
    return sorted(set(re.findall(r" (TST\d{3}) ", output)))


@pytest.fixture
def legacy_copy(tmp_path: Path) -> Path:
    return copy_legacy(tmp_path)


def test_select_and_ignore(test_rules, legacy_copy: Path) -> None:
    assert codes_of(invoke("check", str(legacy_copy)).output) == ["TST001", "TST002", "TST003"]
    assert codes_of(invoke("check", "--select", "TST001", str(legacy_copy)).output) == ["TST001"]
    assert codes_of(invoke("check", "--select", "TST001,TST003", str(legacy_copy)).output) == ["TST001", "TST003"]
    assert codes_of(invoke("check", "--select", "TST001", "--select", "test-rename-event",
                           str(legacy_copy)).output) == ["TST001", "TST002"]
    assert codes_of(invoke("check", "--ignore", "TST002", str(legacy_copy)).output) == ["TST001", "TST003"]
    assert codes_of(invoke("check", "--select", "TST", "--ignore", "TST001,TST003",
                           str(legacy_copy)).output) == ["TST002"]
    assert codes_of(invoke("check", "--select", "ALL", str(legacy_copy)).output) == ["TST001", "TST002", "TST003"]


def test_ignore_everything_is_clean(test_rules, legacy_copy: Path) -> None:
    result = invoke("check", "--ignore", "TST", str(legacy_copy))
    assert result.exit_code == 0 and codes_of(result.output) == []


def test_exclude(test_rules, project: Path) -> None:
    write(project / "generated" / "gen.py", ARUN_SOURCE)
    both = invoke("check", str(project)).output
    assert "generated/gen.py" in both and "app/route.py" in both
    only_app = invoke("check", "--exclude", "generated", str(project))
    assert "generated" not in only_app.output and "app/route.py" in only_app.output
    by_glob = invoke("check", "--exclude", "route*.py", "--exclude", "gen.py", str(project))
    assert by_glob.exit_code == 0, by_glob.output
    # Explicitly named files are excluded too (pre-commit passes file names).
    named = invoke("check", "--exclude", "route.py", str(project / "app" / "route.py"))
    assert named.exit_code == 0 and "0 file(s) checked" in named.output


def test_default_excludes(test_rules, project: Path) -> None:
    write(project / ".venv" / "lib" / "site.py", ARUN_SOURCE)
    write(project / "__pycache__" / "x.py", ARUN_SOURCE)
    output = invoke("check", str(project)).output
    assert ".venv" not in output and "__pycache__" not in output


# -- output formats ---------------------------------------------------------------------


def test_text_format(test_rules, project: Path) -> None:
    result = invoke("check", str(project))
    path = str(project / "app" / "route.py")
    assert f"{path}:5:12 TST001 asyncio.run(x.arun(...)) -> x.run(...)" in result.output.splitlines()
    assert "2 file(s) checked, 1 would change, 1 fix(es), 0 warning(s), 0 error(s)" in result.output


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_summary_goes_to_stderr_and_quiet_drops_it(test_rules, project: Path, fmt: str) -> None:
    result = CliRunner().invoke(main, ["check", "--output-format", fmt, str(project)])
    assert result.stderr.splitlines() == ["2 file(s) checked, 1 would change, 1 fix(es), 0 warning(s), 0 error(s)"]
    assert "TST001" in result.stdout and "file(s) checked" not in result.stdout
    quiet = CliRunner().invoke(main, ["check", "-q", "--output-format", fmt, str(project)])
    assert quiet.stderr == "" and quiet.stdout == result.stdout


def test_json_format(test_rules, legacy_copy: Path, tmp_path: Path) -> None:
    bad = write(legacy_copy / "broken.py", BROKEN_SOURCE)
    result = CliRunner().invoke(main, ["check", "--output-format", "json", str(legacy_copy)])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert set(data) == {"findings", "errors", "summary"}
    assert {f["code"] for f in data["findings"]} == {"TST001", "TST002", "TST003"}
    first = data["findings"][0]
    assert set(first) >= {"path", "line", "column", "code", "message", "fixable", "applied", "applicability", "kind"}
    assert data["errors"] == [{"path": str(bad), "message": data["errors"][0]["message"]}]
    assert data["summary"]["errors"] == 1 and data["summary"]["warnings"] == 1


def test_github_format(test_rules, legacy_copy: Path) -> None:
    write(legacy_copy / "broken.py", BROKEN_SOURCE)
    result = CliRunner().invoke(main, ["check", "--output-format", "github", str(legacy_copy)])
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ")) for line in lines)
    pattern = re.compile(r"^::(error|warning) file=[^,]+,line=\d+,col=\d+,title=TST00\d \((fixable|left alone)\)::.+$")
    findings = [line for line in lines if "title=TST" in line]
    assert findings and all(pattern.match(line) for line in findings)
    assert any(line.startswith("::warning ") and "TST003 (left alone)" in line for line in lines)
    assert any(line.startswith("::error file=") and "broken.py" in line and "syntax error" in line for line in lines)


def test_github_format_escapes() -> None:
    from codemods.reports.github import github_line
    from codemods.rule import Finding

    line = github_line(Finding("a,b:c.py", 3, 4, "X001", "100% bad\nreally", True))
    assert line == "::error file=a%2Cb%3Ac.py,line=3,col=4,title=X001 (fixable)::100%25 bad%0Areally"
    applied = github_line(Finding("a.py", 1, 1, "X001", "m", True), applied=True)
    assert applied.startswith("::notice ") and "title=X001 (fixed)" in applied


def test_sarif_format(test_rules, legacy_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out.sarif"
    result = invoke("check", "--output-format", "sarif", "-o", str(out), "--select", "TST001,TST003", "legacy")
    assert result.exit_code == 1
    data = json.loads(out.read_text())
    assert data["$schema"].endswith("sarif-2.1.0.json") and data["version"] == "2.1.0"
    run = data["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "agno-migrate"
    assert [rule["id"] for rule in driver["rules"]] == ["TST001", "TST003"]
    arun = driver["rules"][0]
    assert arun["shortDescription"]["text"] == ArunRule.summary
    assert arun["fullDescription"]["text"] == "Rewrites ``asyncio.run(<x>.arun(args))`` into ``<x>.run(args)``."
    assert arun["help"]["markdown"] == ArunRule.doc()
    assert arun["properties"]["why"] == "Every ``asyncio.run`` starts and stops a whole event loop."
    results = run["results"]
    assert {r["ruleId"] for r in results} == {"TST001", "TST003"}
    for item in results:
        assert driver["rules"][item["ruleIndex"]]["id"] == item["ruleId"]
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["artifactLocation"]["uri"] == "legacy/financial_assistant/workflow.py"
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels == {"TST001": "error", "TST003": "warning"}
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file://")


def test_sarif_reports_errors_as_notifications(test_rules, tmp_path: Path) -> None:
    write(tmp_path / "bad.py", BROKEN_SOURCE)
    result = CliRunner().invoke(main, ["check", "--output-format", "sarif", str(tmp_path)])
    assert result.exit_code == 2
    invocation = json.loads(result.stdout)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "syntax error" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_unknown_output_format_exits_2(test_rules, project: Path) -> None:
    assert invoke("check", "--output-format", "xml", str(project)).exit_code == 2


# -- apply --------------------------------------------------------------------------------


def test_apply_writes_and_second_check_is_clean(test_rules, tmp_path: Path) -> None:
    target = write(tmp_path / "route.py", ARUN_SOURCE)
    result = invoke("apply", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "1 rewritten" in result.output
    assert target.read_text() == ARUN_SOURCE.replace("asyncio.run(agent.arun(message))", "agent.run(message)")
    again = invoke("check", str(tmp_path))
    assert again.exit_code == 0, again.output


def test_apply_on_legacy_then_check_is_clean_except_left_alone(test_rules, legacy_copy: Path) -> None:
    result = invoke("apply", "--select", "TST001,TST002", str(legacy_copy))
    assert result.exit_code == 0
    text = (legacy_copy / "financial_assistant" / "workflow.py").read_text()
    assert "RunResponseContentEvent" not in text and "self.router.run(message)" in text
    compile(text, "workflow.py", "exec")
    assert invoke("check", "--select", "TST001,TST002", str(legacy_copy)).exit_code == 0
    # The left-alone warning keeps `check` failing until a human deals with it.
    assert invoke("check", str(legacy_copy)).exit_code == 1


def test_apply_strict(test_rules, tmp_path: Path) -> None:
    write(tmp_path / "pool.py", POOL_SOURCE)
    assert invoke("apply", str(tmp_path)).exit_code == 0
    assert invoke("apply", "--strict", str(tmp_path)).exit_code == 1
    assert invoke("apply", "--strict", "--exit-zero", str(tmp_path)).exit_code == 0


def test_apply_diff_and_check_flags(test_rules, project: Path) -> None:
    route = project / "app" / "route.py"
    as_diff = invoke("apply", "--diff", str(project))
    plain_diff = invoke("diff", str(project))
    assert (as_diff.exit_code, as_diff.output) == (plain_diff.exit_code, plain_diff.output) == (
        1, plain_diff.output)
    as_check = invoke("apply", "--check", "--output-format", "json", str(project))
    plain_check = invoke("check", "--output-format", "json", str(project))
    assert (as_check.exit_code, as_check.output) == (plain_check.exit_code, plain_check.output)
    assert route.read_text() == ARUN_SOURCE
    assert invoke("apply", "--diff", "--check", str(project)).exit_code == 2


def test_apply_github_annotations_are_notices(test_rules, project: Path) -> None:
    result = CliRunner().invoke(main, ["apply", "--output-format", "github", str(project)])
    assert result.exit_code == 0
    assert result.stdout.startswith("::notice ") and "(fixed)" in result.stdout


def test_progress_bar_only_on_a_terminal_for_long_runs(test_rules, legacy_copy: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    plain = CliRunner().invoke(main, ["check", str(legacy_copy)])
    assert "agno-migrate" not in plain.stderr  # not a terminal: no bar
    monkeypatch.setattr(codemods.cli, "_stderr_is_tty", lambda: True)
    monkeypatch.setattr(codemods.cli, "PROGRESS_THRESHOLD", 1)
    with_bar = CliRunner().invoke(main, ["check", str(legacy_copy)])
    assert "agno-migrate" in with_bar.stderr  # the bar's label
    assert (with_bar.exit_code, with_bar.stdout) == (plain.exit_code, plain.stdout)
    quiet = CliRunner().invoke(main, ["check", "-q", str(legacy_copy)])
    assert quiet.stderr == ""
    monkeypatch.setattr(codemods.cli, "PROGRESS_THRESHOLD", 50)
    assert "agno-migrate" not in CliRunner().invoke(main, ["check", str(legacy_copy)]).stderr


def test_pre_commit_hooks() -> None:
    import yaml

    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"agno-migrate-check", "agno-migrate-fix"}
    assert hooks["agno-migrate-check"]["entry"] == "agno-migrate check"
    assert hooks["agno-migrate-fix"]["entry"] == "agno-migrate apply"
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["types"] == ["python"] and hook["name"]


def test_jobs(test_rules, legacy_copy: Path) -> None:
    serial = invoke("check", "--output-format", "json", str(legacy_copy))
    parallel = invoke("check", "--output-format", "json", "-j", "2", str(legacy_copy))
    assert json.loads(serial.stdout) == json.loads(parallel.stdout)


# -- diff ---------------------------------------------------------------------------------

HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def assert_valid_unified_diff(text: str) -> int:
    """Check the structure of a unified diff: headers, hunk ranges and line counts."""
    lines = text.splitlines()
    index, files = 0, 0
    while index < len(lines):
        assert lines[index].startswith("--- a/"), lines[index]
        assert lines[index + 1].startswith("+++ b/"), lines[index + 1]
        files += 1
        index += 2
        assert HUNK.match(lines[index]), lines[index]
        while index < len(lines) and lines[index].startswith("@@"):
            match = HUNK.match(lines[index])
            assert match, lines[index]
            old_left = int(match.group(2) or 1)
            new_left = int(match.group(4) or 1)
            index += 1
            while old_left or new_left:
                line = lines[index]
                if line.startswith(" "):
                    old_left, new_left = old_left - 1, new_left - 1
                elif line.startswith("-"):
                    old_left -= 1
                elif line.startswith("+"):
                    new_left -= 1
                else:
                    raise AssertionError(f"unexpected diff line {line!r}")
                assert old_left >= 0 and new_left >= 0
                index += 1
                if index < len(lines) and lines[index] == "\\ No newline at end of file":
                    index += 1
    return files


def test_diff_is_a_valid_unified_diff_that_git_applies(test_rules, legacy_copy: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(legacy_copy.parent)
    out = CliRunner().invoke(main, ["diff", "--no-color", "legacy"])
    assert out.exit_code == 1
    assert "\x1b[" not in out.stdout
    assert assert_valid_unified_diff(out.stdout) == 1
    assert "-        response = asyncio.run(self.router.arun(message))" in out.stdout
    assert "+        response = self.router.run(message)" in out.stdout
    # The diff applies cleanly and yields what `apply` writes.
    if shutil.which("git"):
        patch = tmp_path / "migration.patch"
        patch.write_text(out.stdout)
        subprocess.run(["git", "apply", str(patch)], cwd=legacy_copy.parent, check=True)
        patched = (legacy_copy / "financial_assistant" / "workflow.py").read_text()
        fresh = copy_legacy(tmp_path / "fresh")
        invoke("apply", str(fresh))
        assert patched == (fresh / "financial_assistant" / "workflow.py").read_text()


def test_diff_without_final_newline(test_rules, tmp_path: Path) -> None:
    write(tmp_path / "x.py", ARUN_SOURCE.rstrip("\n"))
    out = CliRunner().invoke(main, ["diff", str(tmp_path / "x.py")]).stdout
    assert assert_valid_unified_diff(out) == 1
    assert out.endswith("+    return agent.run(message)\n\\ No newline at end of file\n")


def test_diff_color(test_rules, project: Path) -> None:
    colored = CliRunner().invoke(main, ["diff", "--color", str(project)]).stdout
    assert "\x1b[32m+    return agent.run(message)" in colored
    assert "\x1b[31m-    return asyncio.run(agent.arun(message))" in colored
    assert "\x1b[36m@@ " in colored
    assert click.unstyle(colored) == CliRunner().invoke(main, ["diff", "--no-color", str(project)]).stdout
    # Not a terminal and no flag: no color.
    assert "\x1b[" not in CliRunner().invoke(main, ["diff", str(project)]).stdout


def test_diff_reports_left_alone_on_stderr(test_rules, tmp_path: Path) -> None:
    """An empty diff exits 0 (like ``ruff check --diff``), the spots left alone still print."""
    write(tmp_path / "pool.py", POOL_SOURCE)
    result = CliRunner().invoke(main, ["diff", str(tmp_path)])
    assert result.exit_code == 0 and result.stdout == ""
    assert "TST003 [left alone]" in result.stderr


# -- python -m codemods ----------------------------------------------------------------


def run_module(*args: str, cwd: Path, test_rules: bool = False) -> subprocess.CompletedProcess:
    """Run ``python -m codemods`` in a subprocess (seeing only the test rules if asked)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    if test_rules:
        code = ("import sys, runpy, tests.test_cli as t; t.install_test_rules(); "
                "sys.argv[0] = 'codemods'; runpy.run_module('codemods', run_name='__main__', alter_sys=True)")
        command = [sys.executable, "-c", code, *args]
    else:
        command = [sys.executable, "-m", "codemods", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


CASES = {
    "check": ("check", "legacy"),
    "json": ("check", "--output-format", "json", "legacy"),
    "sarif": ("check", "--output-format", "sarif", "--select", "TST001", "legacy"),
    "diff": ("diff", "--no-color", "legacy"),
    "syntax-error": ("check", "broken.py"),
    "missing": ("check", "missing.py"),
    "bad-select": ("check", "--select", "NOPE999", "legacy"),
    "rules": ("rules", "--format", "markdown"),
}


@pytest.mark.parametrize("args", list(CASES.values()), ids=list(CASES))
def test_python_m_codemods_works_the_same(test_rules, tmp_path: Path, args: Sequence[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """``python -m codemods`` (its ``__main__``, in a subprocess) is the same CLI."""
    copy_legacy(tmp_path)
    write(tmp_path / "broken.py", BROKEN_SOURCE)
    monkeypatch.chdir(tmp_path)
    proc = run_module(*args, cwd=tmp_path, test_rules=True)
    in_process = CliRunner().invoke(main, list(args))
    assert proc.returncode == in_process.exit_code, proc.stderr
    assert proc.stdout == in_process.stdout
    assert proc.stderr == in_process.stderr


@pytest.mark.parametrize(
    "args, expected",
    [(("check", "legacy"), (0, 1, 2)), (("check", "broken.py"), (2,)), (("rules", "--format", "json"), (0,))],
    ids=["check", "syntax-error", "rules"],
)
def test_python_m_codemods_with_the_real_rules(tmp_path: Path, args: Sequence[str], expected: Sequence[int],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain ``python -m codemods`` on the registered rules, whatever they are today
    (``check legacy`` exits 1 once a rule rewrites it, 2 while a rule in progress crashes)."""
    copy_legacy(tmp_path)
    write(tmp_path / "broken.py", BROKEN_SOURCE)
    monkeypatch.chdir(tmp_path)
    proc = run_module(*args, cwd=tmp_path)
    in_process = CliRunner().invoke(main, list(args))
    assert (proc.returncode, proc.stdout) == (in_process.exit_code, in_process.stdout), proc.stderr
    assert proc.returncode in expected


def test_python_m_codemods_help_and_version() -> None:
    proc = run_module("--help", cwd=REPO)
    assert proc.returncode == 0
    for command in ("check", "diff", "apply", "review", "rules"):
        assert command in proc.stdout
    version = run_module("--version", cwd=REPO)
    assert version.returncode == 0 and re.search(r"\d+\.\d+", version.stdout)


def test_console_script_exists() -> None:
    script = Path(sys.executable).parent / "agno-migrate"
    if not script.exists():
        pytest.skip(f"console script not installed next to {sys.executable}")
    proc = subprocess.run([str(script), "rules", "--format", "json"], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert proc.returncode == 0 and isinstance(json.loads(proc.stdout), list)



def test_check_of_clean_files_does_not_import_libcst(tmp_path: Path) -> None:
    """A run whose files no rule may apply to never loads LibCST (startup is most of its time)."""
    write(tmp_path / "clean.py", "import os\n\n\ndef f():\n    return os.sep\n")
    write(tmp_path / "async_but_clean.py", "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(0)\n")
    code = ("import sys\nfrom codemods.cli import main\ntry:\n    main(['check', sys.argv[1]])\n"
            "except SystemExit as exit:\n    print(exit.code, 'libcst' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120)
    assert proc.stdout.split() == ["0", "False"], proc.stdout + proc.stderr
