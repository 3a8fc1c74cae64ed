"""The rule registry: every rule is one complete declaration (#15 item 1).

A rule class holds its code, name, summary, prefilter, dependencies
(``requires``, ``runs_after``), docs and Fixit-style VALID/INVALID examples;
the registry reads ``requires``/``runs_after``/``prefilter`` without importing
the rule.  These tests name the rule and the part it lacks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import List, Type

import pytest

from codemods import prefilter
from codemods.engine import migrate_source
from codemods.rule import Rule
from codemods.rules import (APPLY_ORDER, DECLARED, REQUIRES, all_rules, declarations, rule_modules,
                            select_codes)

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
DOC_SECTIONS = ("What it does", "Why is this bad", "Example", "Fix safety", "Left alone")
#: Rules whose VALID/INVALID examples are still to be written (the agno 3 family,
#: owned by another engineer): every other rule must have both.
EXAMPLES_PENDING = {"AGM301", "AGM302", "AGM310", "AGM311", "AGM312", "AGM313", "AGM314", "AGM315",
                    "AGM320", "AGM321", "AGM330"}


def missing_parts(rule: Type[Rule]) -> List[str]:
    """What ``rule`` lacks of a complete declaration, in words."""
    missing = []
    if not (rule.code.startswith("AGM") and len(rule.code) == 6 and rule.code[3:].isdigit()):
        missing.append(f"a code like AGM123 (has {rule.code!r})")
    if not rule.name or rule.name != rule.name.lower() or " " in rule.name:
        missing.append("a kebab-case name")
    if not rule.summary:
        missing.append("a one-line summary")
    doc = rule.doc()
    missing += [f"a {section!r} section in its docstring" for section in DOC_SECTIONS if section not in doc]
    if rule.prefilter is None and not rule.triggers:
        missing.append("a prefilter (prefilter = (key, check name) or triggers)")
    elif rule.prefilter is not None and not callable(getattr(prefilter, rule.prefilter[1], None)):
        missing.append(f"a prefilter check named {rule.prefilter[1]!r} in codemods.prefilter")
    if rule.code not in EXAMPLES_PENDING:
        missing += [f"{kind} examples" for kind in ("VALID", "INVALID") if not getattr(rule, kind)]
    if not (FIXTURES / rule.code).is_dir() or not list((FIXTURES / rule.code).glob("*.before.py")):
        missing.append(f"before/after fixtures under tests/fixtures/{rule.code}/")
    return missing


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_rule_declaration_is_complete(rule: Type[Rule]) -> None:
    missing = missing_parts(rule)
    assert not missing, f"{rule.code} ({rule.__module__}) lacks: " + "; ".join(missing)


def test_an_incomplete_rule_is_named_with_what_it_lacks() -> None:
    class Incomplete(Rule):
        """What it does: nothing."""

        code = "AGM999"
        name = "Not Kebab"

        def __init__(self, context) -> None:  # pragma: no cover - never run
            super().__init__(context)

    missing = missing_parts(Incomplete)
    assert "a kebab-case name" in missing and "a one-line summary" in missing
    assert "a 'Fix safety' section in its docstring" in missing
    assert any(part.startswith("a prefilter") for part in missing)
    assert "VALID examples" in missing and "INVALID examples" in missing
    assert "before/after fixtures under tests/fixtures/AGM999/" in missing


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_declarations_read_without_import_match_the_class(rule: Type[Rule]) -> None:
    declared = declarations()[rule.code]
    for attribute in DECLARED:
        if attribute != "code":
            assert declared[attribute] == getattr(rule, attribute), (
                f"{rule.code}.{attribute}: the registry read {declared[attribute]!r} from the module text, "
                f"the class has {getattr(rule, attribute)!r}; keep it a one-line literal in the class body")
    for needed in (*rule.requires, *rule.runs_after):
        assert needed in rule_modules(), f"{rule.code} names unknown rule {needed}"


def test_apply_order_follows_runs_after_and_is_unchanged() -> None:
    position = {code: index for index, code in enumerate(APPLY_ORDER)}
    for code, declared in declarations().items():
        for before in declared["runs_after"]:  # type: ignore[union-attr]
            assert position[before] < position[code], f"{code} must run after {before}"
    # The order the registry listed by hand before the rules declared it.
    assert APPLY_ORDER[:9] == ("AGM001", "AGM004", "AGM002", "AGM005", "AGM006", "AGM007", "AGM003",
                               "AGM008", "AGM009")
    assert REQUIRES == {"AGM002": ("AGM007",), "AGM007": ("AGM008",),
                        "AGM310": ("AGM312", "AGM320"), "AGM311": ("AGM312",)}
    assert set(prefilter.RULE_CHECKS) == {code for code, d in declarations().items() if d["prefilter"]}


def test_registry_and_prefilter_do_not_import_libcst() -> None:
    code = ("import sys; from codemods import rules, prefilter, engine; "
            "assert rules.APPLY_ORDER and prefilter.RULE_CHECKS; print('libcst' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


EXAMPLES = [(rule, kind, index) for rule in all_rules() for kind in ("VALID", "INVALID")
            for index in range(len(getattr(rule, kind)))]


@pytest.mark.parametrize("rule, kind, index", EXAMPLES, ids=[f"{r.code}-{k}-{i}" for r, k, i in EXAMPLES])
def test_example(rule: Type[Rule], kind: str, index: int) -> None:
    source = rule.examples(kind)[index]
    target = "agno3" if rule.code.startswith("AGM3") else "agno1"
    result = migrate_source(source.encode(), select_codes([rule.code], target=target), "example.py",
                            {"unsafe_fixes": True})
    assert result.error is None, result.error
    mine = [f for f in result.findings if f.code == rule.code]
    if kind == "VALID":
        assert not mine, f"{rule.code} VALID example {index} got findings: {[f.format() for f in mine]}"
    else:
        assert mine, f"{rule.code} INVALID example {index} got no {rule.code} finding"
