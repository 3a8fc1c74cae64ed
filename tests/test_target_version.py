"""Target version (``--target-version``, ``target-version``, ``requires-python``) and fan-out scope."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from codemods import target
from codemods.config import ConfigError, Config, load_config, merge
from codemods.engine import migrate_source
from codemods.rules import select_codes, select_rules

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
LEGACY = ROOT / "legacy" / "financial_assistant" / "workflow.py"
MIGRATED = ROOT / "migrated" / "financial_assistant" / "workflow.py"


def _fixture_inputs() -> List[Path]:
    return sorted(FIXTURES.glob("AGM*/*.before.py")) + [LEGACY]


@pytest.mark.parametrize("version", ["py39", "py310"])
@pytest.mark.parametrize("path", _fixture_inputs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_output_parses_on_an_older_target(path: Path, version: str) -> None:
    """Every rule on every fixture (and legacy/): the output parses with the target's grammar."""
    options = {"target_version": version, "fanout_scope": "all", "unsafe_fixes": True}
    try:
        ast.parse(path.read_text(), feature_version=target.parse(version))
    except SyntaxError:
        pytest.skip(f"the input itself does not parse on {version}")
    result = migrate_source(path.read_bytes(), select_codes(), str(path), options)
    assert result.error is None, result.error
    assert result.migrated is not None
    text = result.migrated.decode()
    ast.parse(text, feature_version=target.parse(version))
    if result.changed:
        assert "TaskGroup" not in text or "TaskGroup" in path.read_text(), "a 3.11-only API was introduced"
        assert "except*" not in text or "except*" in path.read_text()


def test_legacy_on_py310_is_migrated_as_far_as_310_allows() -> None:
    result = migrate_source(LEGACY.read_bytes(), select_codes(), str(LEGACY),
                            {"target_version": "py310", "unsafe_fixes": True})
    assert result.changed
    kinds = {(f.code, f.fixed) for f in result.findings}
    assert ("AGM005", False) in kinds and ("AGM006", False) in kinds  # TaskGroup rewrites left alone...
    assert any("needs Python 3.11 and the target is py310" in f.message for f in result.findings)
    assert ("AGM001", True) in kinds and ("AGM004", True) in kinds  # ...the rest is done


def test_py311_gives_todays_output() -> None:
    # migrated/ is made with unsafe fixes on (this repository's [tool.agno-migrate]).
    result = migrate_source(LEGACY.read_bytes(), select_codes(), str(LEGACY),
                            {"target_version": "py311", "unsafe_fixes": True})
    assert result.migrated == MIGRATED.read_bytes()


def test_target_parsing() -> None:
    assert target.parse("py310") == (3, 10)
    with pytest.raises(target.TargetError):
        target.parse("py27")
    assert target.from_requires_python(">=3.10") == (3, 10)
    assert target.from_requires_python(">=3.8,<4") == (3, 9)  # below the oldest target: the oldest
    assert target.from_requires_python("~=3.12.1") == (3, 12)
    assert target.from_requires_python("<4") is None
    assert target.from_requires_python(None) is None


def _pyproject(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(text)
    return path


def test_default_target_from_requires_python(tmp_path: Path) -> None:
    config = Config(requires_python=">=3.10")
    settings = merge(config, ["src"])
    assert settings.options["target_version"] == "py310" and settings.target_note is None
    settings = merge(Config(), ["src"])
    assert settings.options["target_version"] == "py311"
    assert settings.target_note and "py311" in settings.target_note
    assert merge(config, ["src"], target_version="py312").options["target_version"] == "py312"


def test_config_keys_are_validated(tmp_path: Path) -> None:
    good = _pyproject(tmp_path, '[tool.agno-migrate]\ntarget-version = "py310"\nfanout-scope = "all"\n')
    config = load_config(good)
    assert (config.target_version, config.fanout_scope) == ("py310", "all")
    bad = _pyproject(tmp_path, '[tool.agno-migrate]\ntarget-version = "3.10"\n')
    with pytest.raises(ConfigError, match="target-version.*py39, py310"):
        load_config(bad)
    bad = _pyproject(tmp_path, '[tool.agno-migrate]\nfanout-scope = "everything"\n')
    with pytest.raises(ConfigError, match="fanout-scope"):
        load_config(bad)


def test_cli_reads_requires_python(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    _pyproject(project, '[project]\nname = "x"\nrequires-python = ">=3.10"\n')
    (project / "src" / "flow.py").write_text(
        "import asyncio\n\n\nasync def f(a, b):\n    return await asyncio.gather(a(), b())\n"
    )
    proc = subprocess.run([sys.executable, "-m", "codemods", "check", "--fanout-scope", "all", "src"],
                          cwd=project, capture_output=True, text=True, timeout=120)
    assert "needs Python 3.11 and the target is py310" in proc.stdout, proc.stdout + proc.stderr
    assert proc.returncode == 1
    proc = subprocess.run([sys.executable, "-m", "codemods", "check", "--fanout-scope", "all",
                           "--target-version", "py311", "--unsafe-fixes", "src"], cwd=project, capture_output=True, text=True,
                          timeout=120)
    assert "AGM005 asyncio.gather(...) -> asyncio.TaskGroup" in proc.stdout, proc.stdout + proc.stderr


def test_fanout_outside_workflows_is_out_of_scope_by_default() -> None:
    """agno's own library code is not workflow code: nothing to report by default."""
    source = b"import asyncio\n\n\nasync def f(a, b):\n    return await asyncio.gather(a(), b())\n"
    assert migrate_source(source, select_rules(["AGM005"]), "lib.py").findings == []
    widened = migrate_source(source, select_rules(["AGM005"]), "lib.py", {"fanout_scope": "all"})
    assert [f.code for f in widened.findings] == ["AGM005"]
