"""Test-only rules that misbehave on purpose, and a CLI entry point that sees them.

``python -m tests.hostile ARGS`` is ``agno-migrate ARGS`` whose registry holds
the CLI tests' rules (:data:`tests.test_cli.TEST_RULES`) plus these:

* ``HST001`` (``SLOW_MARKER``): writes ``$AGM_SIGNALS/started-<file>``, then
  waits (up to 120 s) until ``$AGM_SIGNALS/go`` exists: the test acts while
  the run is in the middle of migrating;
* ``HST002`` (``CRASH_MARKER``): kills its process with SIGSEGV, as LibCST's
  native parser does on a stack overflow;
* ``HST003`` (``HANG_MARKER``): never returns;
* ``HST004`` (``HOG_MARKER``): allocates 100 GB;
* ``HST005`` (``.fetch(``): renames ``x.fetch(...)`` to the name-map's name
  for ``fetch``.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import libcst as cst

from codemods.rule import Rule


class SlowRule(Rule):
    """Wait for the test."""

    code = "HST001"
    name = "test-slow"
    summary = "waits for the test"
    triggers = ("SLOW_MARKER",)

    def visit_Module(self, node: cst.Module) -> None:
        signals = Path(os.environ["AGM_SIGNALS"])
        (signals / f"started-{Path(self.context.filename or 'x').name}").write_text(str(os.getpid()))
        deadline = time.monotonic() + 120
        while not (signals / "go").exists() and time.monotonic() < deadline:
            time.sleep(0.05)


class CrashRule(Rule):
    """Crash like a native stack overflow."""

    code = "HST002"
    name = "test-crash"
    summary = "segfaults"
    triggers = ("CRASH_MARKER",)

    def visit_Module(self, node: cst.Module) -> None:
        os.kill(os.getpid(), signal.SIGSEGV)


class HangRule(Rule):
    """Never finish."""

    code = "HST003"
    name = "test-hang"
    summary = "hangs"
    triggers = ("HANG_MARKER",)

    def visit_Module(self, node: cst.Module) -> None:
        while True:
            time.sleep(1)


class HogRule(Rule):
    """Eat memory."""

    code = "HST004"
    name = "test-hog"
    summary = "allocates too much"
    triggers = ("HOG_MARKER",)

    def visit_Module(self, node: cst.Module) -> None:
        self.hog = bytearray(100 * 1024 ** 3)


class RenameFetchRule(Rule):
    """Rename ``fetch`` per the name-map."""

    code = "HST005"
    name = "test-rename-fetch"
    summary = "x.fetch() -> x.<name-map[fetch]>()"
    triggers = (".fetch(",)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.Attribute:
        new = self.options.get("name_map", {}).get("fetch")
        if new and original_node.attr.value == "fetch":
            self.report(original_node, f"fetch -> {new}")
            return updated_node.with_changes(attr=cst.Name(new))
        return updated_node


HOSTILE_RULES = [SlowRule, CrashRule, HangRule, HogRule, RenameFetchRule]


def install(set_attribute=setattr) -> None:
    """Make the registry see the CLI tests' rules and these."""
    import codemods.rules
    from tests.test_cli import TEST_RULES

    by_code = {rule.code: rule for rule in [*TEST_RULES, *HOSTILE_RULES]}
    set_attribute(codemods.rules, "rule_codes", lambda: list(by_code))
    set_attribute(codemods.rules, "load_rule", by_code.__getitem__)


if __name__ == "__main__":
    install()
    from codemods.cli import main

    main(sys.argv[1:], prog_name="agno-migrate")
