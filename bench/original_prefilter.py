"""The agno-migrate CLI with the original prefilter, for before/after numbers.

Before the benchmarks, a rule was triggered by any one of its ``triggers``
strings (``Rule.is_triggered_by``): AGM002 by "asyncio", AGM003 by "async
def", AGM007/AGM008 by "Workflow", ...  This entry point restores that for
every rule and runs the CLI unchanged::

    python -m bench.original_prefilter check -j 2 PATH
"""

from __future__ import annotations

from codemods import prefilter
from codemods.rules import all_rules

from bench.codemod import original_triggered


def restore() -> None:
    for rule in all_rules():
        def check(text: str, rule: type = rule) -> bool:
            return original_triggered(rule, text)

        rule.is_triggered_by = classmethod(lambda cls, text: original_triggered(cls, text))  # type: ignore[assignment]
        prefilter.RULE_CHECKS[rule.code] = ("", check)


if __name__ == "__main__":
    restore()
    from codemods.cli import main

    main()
