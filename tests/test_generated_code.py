"""The code agno-migrate generates: type-checks, is up to date, is a fixed point."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from codemods.engine import migrate_source
from codemods.rules import select_rules

ROOT = Path(__file__).resolve().parent.parent
PYRIGHT = Path(sys.executable).with_name("pyright")


def _pyright(*paths: str) -> dict:
    completed = subprocess.run(
        [str(PYRIGHT), "--outputjson", *paths], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    report = json.loads(completed.stdout)
    return report


def test_pyright_passes_on_migrated_and_every_fixture_output() -> None:
    # The agno 1.x rules' outputs (AGM0xx); agno 3's (AGM3xx) are checked against agno 3.1.10
    # by tests/test_agno3_rules.py and tests/test_agno3_workflow.py.
    after_files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "fixtures").glob("AGM0*/*.after.py"))
    assert after_files
    report = _pyright("codemods", "migrated", *after_files)
    errors = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
    assert report["summary"]["filesAnalyzed"] >= len(after_files) + 4
    assert errors == [], "\n".join(f"{d['file']}:{d['range']['start']['line'] + 1}: {d['message']}" for d in errors)


def test_pyright_check_can_fail(tmp_path: Path) -> None:
    """The check above is not vacuous: a type error in generated-looking code is reported."""
    broken = tmp_path / "broken.py"
    broken.write_text("def f() -> int:\n    return 'not an int'\n")
    shutil.copy(broken, ROOT / "tests" / "_pyright_probe.py")
    try:
        report = _pyright("tests/_pyright_probe.py")
    finally:
        (ROOT / "tests" / "_pyright_probe.py").unlink()
    assert report["summary"]["errorCount"] == 1


def test_migrated_is_up_to_date() -> None:
    completed = subprocess.run(["bash", "scripts/check-migrated"], cwd=ROOT, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_up_to_date_check_detects_drift(tmp_path: Path) -> None:
    copy = tmp_path / "migrated"
    shutil.copytree(ROOT / "migrated", copy, ignore=shutil.ignore_patterns("__pycache__"))
    workflow = copy / "financial_assistant" / "workflow.py"
    workflow.write_text(workflow.read_text() + "\n# hand edit\n")
    (copy / "stale.py").write_text("")
    completed = subprocess.run(
        [sys.executable, "-m", "codemods.tree", "check", "legacy", str(copy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 1
    assert "out of date" in completed.stdout and "workflow.py" in completed.stdout
    assert "stale.py" in completed.stdout


def test_migrated_is_a_fixed_point() -> None:
    """Running every rule over migrated/ changes nothing and reports nothing."""
    rules = select_rules()
    for path in sorted((ROOT / "migrated").rglob("*.py")):
        result = migrate_source(path.read_bytes(), rules, str(path))
        assert result.error is None
        assert result.migrated == path.read_bytes(), f"{path} changes on a second run"
        assert result.findings == []


def test_legacy_has_every_anti_pattern() -> None:
    """legacy/ exercises every rule that rewrites: each reports at least one fix there, unsafe
    ones included (AGM009, which reports what is left, has nothing to report)."""
    source = ROOT / "legacy" / "financial_assistant" / "workflow.py"
    result = migrate_source(source.read_bytes(), select_rules(), str(source), {"unsafe_fixes": True})
    codes = {finding.code for finding in result.findings if finding.fixed}
    assert codes == {rule.code for rule in select_rules() if not rule.reports_leftovers}
    assert not [f for f in result.findings if not f.fixed]


def test_rule_docs_are_up_to_date() -> None:
    """docs/rules.md is what `agno-migrate rules --format markdown` prints."""
    completed = subprocess.run(
        [sys.executable, "-m", "codemods", "rules", "--format", "markdown"], cwd=ROOT, capture_output=True, text=True
    )
    assert completed.returncode == 0
    assert (ROOT / "docs" / "rules.md").read_text() == completed.stdout, (
        "regenerate with: agno-migrate rules --format markdown > docs/rules.md"
    )
