"""Every rule against its before/after fixture files.

Layout: ``tests/fixtures/<CODE>/<case>.before.py`` is the input,
``<case>.after.py`` the exact expected output of running that rule (plus the
rules it requires), ``<case>.select`` (optional) the codes to run instead,
when the case needs other rules' rewrites first, ``<case>.options.json``
(optional) the rule options (e.g. ``{"fanout_scope": "all"}``, or a
``target_version``), and ``<case>.findings`` (optional) the expected
findings, one ``LINE CODE fix|warning`` per line.  A case whose code must be left alone
has an ``after`` identical to its ``before``.

Each case is also checked for idempotency (applying the rule to ``after``
changes nothing) and for producing code that compiles.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Tuple

import pytest

from codemods.engine import migrate_source
from codemods.rules import all_rules, select_rules

FIXTURES = Path(__file__).parent / "fixtures"


def _cases() -> List[Tuple[str, Path]]:
    cases = []
    for before in sorted(FIXTURES.glob("AGM*/*.before.py")):
        cases.append((before.parent.name, before))
    return cases


CASES = _cases()


def _case_id(case: Tuple[str, Path]) -> str:
    return f"{case[0]}/{case[1].name.removesuffix('.before.py')}"


def _read_expected_findings(path: Path) -> List[Tuple[int, str, str]]:
    expected = []
    for raw in path.read_text().splitlines():
        if raw.strip() and not raw.startswith("#"):
            line, code, kind = raw.split()[:3]
            expected.append((int(line), code, kind))
    return sorted(expected)


def test_every_rule_has_fixtures() -> None:
    codes_with_fixtures = {code for code, _ in CASES}
    for rule in all_rules():
        assert rule.code in codes_with_fixtures, f"{rule.code} has no fixture under {FIXTURES}"


def test_every_rule_is_documented() -> None:
    for rule in all_rules():
        doc = rule.doc()
        for heading in ("What it does", "Why is this bad", "Example", "Fix safety", "Left alone"):
            assert heading in doc, f"{rule.code} docstring lacks {heading!r}"
        assert rule.code.startswith("AGM") and rule.name and rule.summary and rule.triggers


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_fixture(case: Tuple[str, Path]) -> None:
    code, before_path = case
    after_path = before_path.with_name(before_path.name.replace(".before.py", ".after.py"))
    findings_path = before_path.with_name(before_path.name.replace(".before.py", ".findings"))
    select_path = before_path.with_name(before_path.name.replace(".before.py", ".select"))
    selection = select_path.read_text().split() if select_path.exists() else [code]
    rules = select_rules(selection, target="agno3" if any(c.startswith("AGM3") for c in selection) else "agno1")
    before = before_path.read_bytes()
    expected = after_path.read_bytes()

    options_path = before_path.with_name(before_path.name.replace(".before.py", ".options.json"))
    # Fixtures show each rule's rewrite, unsafe ones included (a case that shows
    # an unsafe fix held back says {"unsafe_fixes": false} in its options).
    options = {"unsafe_fixes": True, **(json.loads(options_path.read_text()) if options_path.exists() else {})}
    result = migrate_source(before, rules, str(before_path), options)
    assert result.error is None, result.error
    assert result.migrated is not None
    assert result.migrated.decode() == expected.decode()
    compile(result.migrated, str(after_path), "exec")

    if findings_path.exists():
        got = sorted((f.line, f.code, f.kind) for f in result.findings)
        assert got == _read_expected_findings(findings_path)
    elif before != expected:
        assert any(f.fixed for f in result.findings), "a rewrite must be reported as a finding"

    again = migrate_source(expected, rules, str(after_path), options)
    assert again.error is None
    assert again.migrated == expected, "not idempotent: applying the rule to its own output changed it"
