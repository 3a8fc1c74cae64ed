"""--target agno3 on legacy/: migrated/agno3/ is up to date, type-checks against agno 3.1.10, and AGM301's fixtures."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import List, Tuple

import pytest

from codemods.engine import migrate_source
from codemods.rules import load_rules, select_codes

REPO = Path(__file__).resolve().parent.parent
LEGACY = REPO / "legacy"
TARGET = REPO / "migrated" / "agno3"
PYTHON_V3 = REPO / ".venv-agno3" / "bin" / "python"
FIXTURES = REPO / "tests" / "fixtures"
def _legacy_files() -> List[Path]:
    # Every file, the Streamlit page too (scripts/check-migrated makes the same snapshot).
    return [p for p in sorted(LEGACY.rglob("*.py")) if "__pycache__" not in p.parts]


def _agno3_rules() -> list:
    return load_rules(select_codes((), (), target="agno3"))


def test_migrated_agno3_is_what_the_codemods_make_of_legacy() -> None:
    rules = _agno3_rules()
    stale = []
    for path in _legacy_files():
        result = migrate_source(path.read_bytes(), rules, str(path), {"unsafe_fixes": True})
        assert result.error is None, result.error
        target = TARGET / path.relative_to(LEGACY)
        if not target.exists() or target.read_bytes() != result.migrated:
            stale.append(str(target))
    committed = {p for p in TARGET.rglob("*.py") if "__pycache__" not in p.parts}
    expected = {TARGET / p.relative_to(LEGACY) for p in _legacy_files()}
    assert not stale and committed == expected, f"regenerate migrated/agno3 (stale: {stale}, extra: {committed - expected})"


def test_the_workflow_class_was_moved() -> None:
    text = (TARGET / "financial_assistant" / "workflow.py").read_text()
    assert "class FinancialAssistant:" in text and "(Workflow)" not in text
    # AGM001 keeps the old name imported (renamed to agno 3's class) for modules that may import it from here.
    used = "\n".join(line for line in text.splitlines() if "kept: other modules may import it" not in line)
    assert "RunResponse" not in used and "update_run_method" not in text


def test_migrated_agno3_passes_pyright_on_agno3(tmp_path: Path) -> None:
    assert PYTHON_V3.exists(), "run scripts/setup-agno3"
    pyright = PYTHON_V3.parent / "pyright"
    config = tmp_path / "pyrightconfig.json"
    # The Streamlit page is the same file as legacy's (checked under .venv, which has streamlit).
    config.write_text(json.dumps({"pythonVersion": "3.11", "typeCheckingMode": "basic", "venvPath": str(REPO),
                                  "venv": ".venv-agno3", "extraPaths": [str(REPO)]}))
    package = [str(p) for p in sorted(TARGET.rglob("*.py")) if p.name != "app.py" and "__pycache__" not in p.parts]
    files = [*package, str(FIXTURES / "AGM301" / "counter_state.after.py"),
             str(FIXTURES / "AGM301" / "async_only_no_init.after.py"),
             str(FIXTURES / "AGM301" / "state_in_helpers.after.py"),
             str(FIXTURES / "AGM302" / "offline_model.after.py"), str(REPO / "codemods" / "agno3_workflow_fake_model.py")]
    proc = subprocess.run([str(pyright), "-p", str(config), *files], capture_output=True, text=True, cwd=REPO,
                          timeout=300)
    assert proc.returncode == 0 and "0 errors" in proc.stdout, proc.stdout[-3000:]


def _fixture_cases() -> List[Tuple[Path, Path]]:
    return [(p, p.with_name(p.name.replace(".before.py", ".after.py"))) for p in sorted(FIXTURES.glob("AGM30*/*.before.py"))]


@pytest.mark.parametrize("case", _fixture_cases(), ids=lambda c: c[0].name)
def test_agm30x_fixture(case: Tuple[Path, Path]) -> None:
    before, after = case
    rules = load_rules([before.parent.name])
    result = migrate_source(before.read_bytes(), rules, str(before))
    assert result.error is None and result.migrated == after.read_bytes()
    again = migrate_source(after.read_bytes(), rules, str(after))
    assert again.migrated == after.read_bytes()  # idempotent
    findings_file = before.with_name(before.name.replace(".before.py", ".findings"))
    expected = sorted(tuple(line.split()[:3]) for line in findings_file.read_text().splitlines() if line.strip())
    got = sorted((str(f.line), f.code, "fix" if f.fixed else "warning") for f in result.findings)
    assert got == expected


def test_the_agno3_offline_model_is_agm302s_output() -> None:
    """codemods/agno3_workflow_fake_model.py (the agno 3 side's model) is AGM302 applied to the 1.x one."""
    source = REPO / "codemods" / "parity" / "fake_model.py"
    result = migrate_source(source.read_bytes(), load_rules(["AGM302"]), str(source))
    assert result.error is None
    assert result.migrated == (REPO / "codemods" / "agno3_workflow_fake_model.py").read_bytes(), \
        "regenerate codemods/agno3_workflow_fake_model.py with AGM302"


AGENT_ON_AGNO3 = """
import asyncio, importlib.util, sys
from agno.agent import Agent
spec = importlib.util.spec_from_file_location("offline", sys.argv[1])
module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
agent = Agent(model=module.Fixed(), telemetry=False)
print(agent.run("hi").content)
print("|".join(e.content for e in agent.run("hi", stream=True) if e.event == "RunContent"))
print(asyncio.run(agent.arun("hi")).content)
"""


def test_agm302_output_runs_an_agent_on_agno3() -> None:
    assert PYTHON_V3.exists(), "run scripts/setup-agno3"
    after = FIXTURES / "AGM302" / "offline_model.after.py"
    proc = subprocess.run([str(PYTHON_V3), "-c", AGENT_ON_AGNO3, str(after)], capture_output=True, text=True,
                          env={"AGNO_TELEMETRY": "false", "PATH": "/usr/bin:/bin"}, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.splitlines() == ["fixed offline reply", "fixed |offline |reply ", "fixed offline reply"]
