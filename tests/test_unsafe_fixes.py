"""Ruff's fix safety: fixes that can change behaviour are reported, and made only with --unsafe-fixes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from codemods.cli import main

GATHER = '''import asyncio

from agno.workflow import Workflow


class Flow(Workflow):
    async def both(self, a, b):
        first, second = await asyncio.gather(a(), b())
        return first + second
'''


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\nrequires-python = ">=3.11"\n')
    (tmp_path / "flow.py").write_text(GATHER)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_reports_unsafe_fixes_without_making_them(project: Path) -> None:
    result = invoke("check", "flow.py")
    assert result.exit_code == 1
    assert "AGM005 [unsafe fix, needs --unsafe-fixes] asyncio.gather(...) -> asyncio.TaskGroup" in result.stdout
    assert "0 would change" in result.stderr
    assert "1 unsafe fix(es) not applied (enable them with --unsafe-fixes)" in result.stderr
    data = json.loads(invoke("check", "--output-format", "json", "flow.py").stdout)
    (finding,) = data["findings"]
    assert (finding["kind"], finding["fixable"], finding["applied"], finding["applicability"]) == (
        "unsafe-fix", True, False, "unsafe")
    assert data["summary"]["unsafe_not_applied"] == 1 and data["summary"]["warnings"] == 0


def test_apply_makes_them_only_when_asked(project: Path) -> None:
    assert invoke("apply", "flow.py").exit_code == 0
    assert (project / "flow.py").read_text() == GATHER
    assert invoke("apply", "--strict", "flow.py").exit_code == 1  # held-back fixes count as work left
    result = invoke("apply", "--unsafe-fixes", "--output-format", "json", "flow.py")
    assert result.exit_code == 0
    assert "asyncio.TaskGroup()" in (project / "flow.py").read_text()
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["kind"], finding["applied"], finding["applicability"]) == ("fix", True, "unsafe")


def test_config_key_and_flag_override(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "p"\nrequires-python = ">=3.11"\n\n[tool.agno-migrate]\nunsafe-fixes = true\n')
    assert "asyncio.TaskGroup()" in invoke("diff", "flow.py").stdout
    assert invoke("diff", "--no-unsafe-fixes", "flow.py").stdout == ""
    (project / "pyproject.toml").write_text('[tool.agno-migrate]\nunsafe-fixes = "yes"\n')
    result = invoke("check", "flow.py")
    assert result.exit_code == 2 and "'unsafe-fixes' must be true or false" in result.stderr


def test_below_the_target_the_reason_is_the_target_not_the_flag(project: Path) -> None:
    result = invoke("check", "--target-version", "py310", "flow.py")
    assert "needs Python 3.11 and the target is py310" in result.stdout
    assert "--unsafe-fixes" not in result.stdout
