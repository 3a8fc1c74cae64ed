"""Inline suppressions (`# agno-migrate: ignore[CODE]`, `ignore-file[CODE]`), reported when unused."""

from __future__ import annotations

from codemods.engine import migrate_source
from codemods.rules import select_codes

AGENT = '''import asyncio

from agno.agent import Agent

agent = Agent(name="router", telemetry=False)


def route(message):
    return asyncio.run(agent.arun(message)){first}


def classify(message):
    return asyncio.run(agent.arun(message)){second}
'''


def run(source: str):
    return migrate_source(source.encode(), select_codes(), "flow.py", {"unsafe_fixes": True})


def kinds(result):
    return [(f.line, f.code, f.kind) for f in result.findings]


def test_without_suppressions_both_spots_are_fixed() -> None:
    result = run(AGENT.format(first="", second=""))
    assert kinds(result) == [(9, "AGM004", "fix"), (13, "AGM004", "fix")] and result.changed


def test_a_suppressed_line_keeps_its_code_and_the_rule_leaves_the_file() -> None:
    result = run(AGENT.format(first="  # agno-migrate: ignore[AGM004]", second=""))
    assert not result.changed  # a rule's fixes in a file are made together: none is made
    (finding,) = result.findings
    assert (finding.line, finding.code, finding.kind) == (13, "AGM004", "warning")
    assert "its fix at line 9 is suppressed" in finding.message


def test_every_spot_suppressed_reports_nothing() -> None:
    both = "  # agno-migrate: ignore[AGM004]"
    result = run(AGENT.format(first=both, second="  # agno-migrate: ignore"))
    assert not result.changed and result.findings == []


def test_file_level_suppression() -> None:
    source = "# agno-migrate: ignore-file[AGM004]\n" + AGENT.format(first="", second="")
    result = run(source)
    assert not result.changed and result.findings == []
    everything = run("# agno-migrate: ignore-file\n" + AGENT.format(first="", second=""))
    assert not everything.changed and everything.findings == []


def test_unused_suppressions_are_reported() -> None:
    result = run(AGENT.format(first="  # agno-migrate: ignore[AGM006]", second=""))
    assert (9, "AGM101", "warning") in kinds(result) and (9, "AGM004", "fix") in kinds(result)
    assert "unused suppression `# agno-migrate: ignore[AGM006]`" in result.findings[0].message
    clean = run("x = 1  # agno-migrate: ignore[AGM004]\n# agno-migrate: ignore-file[AGM005]\n")
    assert kinds(clean) == [(1, "AGM101", "warning"), (2, "AGM101", "warning")] and not clean.changed


def test_a_marker_inside_a_string_is_not_a_comment() -> None:
    source = AGENT.format(first="", second="").replace(
        "def classify", 'NOTE = "# agno-migrate: ignore[AGM004]"\n\n\ndef classify')
    result = run(source)
    assert [code for _, code, kind in kinds(result) if kind == "fix"] == ["AGM004", "AGM004"]


def test_a_left_alone_spot_can_be_suppressed() -> None:
    source = '''import asyncio

from agno.workflow import Workflow


class Flow(Workflow):
    def run(self, message):
        loop = asyncio.new_event_loop(){mark}
        return loop.run_until_complete(self.answer(message))

    async def answer(self, message):
        return message
'''
    loud = run(source.format(mark=""))
    assert any(f.code == "AGM009" and not f.fixed for f in loud.findings)
    quiet = run(source.format(mark="  # agno-migrate: ignore[AGM009]").replace(
        "(self.answer(message))", "(self.answer(message))  # agno-migrate: ignore[AGM009]"))
    assert not [f for f in quiet.findings if f.code == "AGM009"]


def test_the_cli_honours_them_with_workers_too(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from codemods.cli import main

    monkeypatch.chdir(tmp_path)
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(AGENT.format(first="  # agno-migrate: ignore[AGM004]", second=""))
    for jobs in ("1", "2"):
        result = CliRunner().invoke(main, ["check", "--isolated", "-j", jobs, "."], catch_exceptions=False)
        assert result.exit_code == 1  # the other spot is left alone, reported
        lines = result.stdout.splitlines()
        assert len(lines) == 2 and all(" AGM004 [left alone] " in line for line in lines)
        assert all("its fix at line 9 is suppressed" in line for line in lines)
