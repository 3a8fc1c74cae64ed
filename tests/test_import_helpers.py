"""The rules skip LibCST's import helpers when a syntactic look shows they would change nothing.

``RemoveImportsVisitor`` and ``AddImportsVisitor`` analyse the whole module's
scopes each time they run (most of the cost of a rule on a file that needs
migration).  :class:`codemods.rule.Rule` runs them only for the requests that
may matter; these tests hold that shortcut to the results of running them
every time.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import libcst as cst
import pytest

from codemods.engine import migrate_source
from codemods.patterns import names_outside_imports, top_level_imports
from codemods.rule import Rule
from codemods.rules import all_rules

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def inputs() -> List[Path]:
    return sorted(FIXTURES.glob("AGM*/*.before.py")) + sorted((REPO / "legacy").rglob("*.py"))


@pytest.mark.parametrize("path", inputs(), ids=lambda p: str(p.relative_to(REPO)))
def test_shortcut_gives_the_same_result_as_always_running_the_helpers(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = path.read_bytes()
    rules = all_rules()
    with_shortcut = migrate_source(source, rules, str(path))
    with monkeypatch.context() as patch:
        patch.setattr(Rule, "_removals_to_check", lambda self, tree: [True])
        patch.setattr(Rule, "_additions_to_make", lambda self, tree: [True])
        always = migrate_source(source, rules, str(path))
    assert with_shortcut.error is None and always.error is None
    assert with_shortcut.migrated == always.migrated
    assert [f.format() for f in with_shortcut.findings] == [f.format() for f in always.findings]


def test_names_outside_imports_leaves_out_definitions_attributes_and_keywords() -> None:
    module = cst.parse_module(
        "from asyncio import run, gather, sleep, wait\n"
        "import os.path\n\n\n"
        "class Flow:\n"
        "    def run(self, gather):\n"
        "        return self.sleep(timeout=1)\n\n\n"
        "wait(os.sep)\n"
    )
    used = names_outside_imports(module)
    assert {"wait", "os", "self"} <= used
    assert not {"run", "gather", "sleep", "timeout", "sep", "asyncio", "path"} & used


def test_top_level_imports() -> None:
    module = cst.parse_module(
        "import asyncio\nimport numpy as np\nfrom typing import Any, List as L\nfrom . import sibling\n"
        "from os import *\n\n\ndef f():\n    import time\n"
    )
    assert top_level_imports(module) == [
        ("asyncio", None, None),
        ("numpy", None, "np"),
        ("typing", "Any", None),
        ("typing", "List", "L"),
    ]
