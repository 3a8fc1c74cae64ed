"""The agno-migrate CLI with the original prefilter, for before/after numbers.

Before the benchmarks, a rule was triggered by any one of its ``triggers``
strings (``Rule.is_triggered_by``): AGM002 by "asyncio", AGM003 by "async
def", AGM007/AGM008 by "Workflow", ...  This entry point restores that for
every rule and runs the CLI unchanged::

    python -m bench.original_prefilter check -j 2 PATH
"""

from __future__ import annotations

from codemods.rule import Rule
from codemods.rules import all_rules


def restore() -> None:
    for rule in all_rules():
        rule.is_triggered_by = classmethod(Rule.is_triggered_by.__func__)  # type: ignore[assignment]


if __name__ == "__main__":
    restore()
    from codemods.cli import main

    main()
