"""The rule registry.

Every module ``agmNNN_*.py`` in this package defines exactly one
:class:`~codemods.rule.Rule` subclass.  Rules run in :data:`APPLY_ORDER`:
rewrites that others build on come first (e.g. AGM002 rewrites bridges into
``yield from`` a sync twin that AGM007 then generates).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Dict, Iterable, List, Sequence, Tuple, Type

from codemods.rule import Rule

APPLY_ORDER: Tuple[str, ...] = (
    "AGM001",  # RunResponseContentEvent -> RunResponse
    "AGM004",  # asyncio.run(agent.arun(...)) -> agent.run(...)
    "AGM002",  # asyncio.run(self._collect_async_responses(gen)) -> yield from sync twin
    "AGM003",  # remove the unreferenced _collect_async_responses helper
    "AGM005",  # asyncio.gather -> asyncio.TaskGroup
    "AGM006",  # ThreadPoolExecutor fan-out -> TaskGroup
    "AGM007",  # generate sync/async twins
    "AGM008",  # keep both run() and arun() wrapped by agno
)

# Rules whose rewrite is only valid when another rule also runs.
REQUIRES: Dict[str, Tuple[str, ...]] = {"AGM002": ("AGM007",)}


class UnknownRuleError(ValueError):
    pass


def all_rules() -> List[Type[Rule]]:
    """Every rule, in :data:`APPLY_ORDER` (unknown codes last, by code)."""
    found: Dict[str, Type[Rule]] = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("agm"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and value.code:
                if value.__module__ == module.__name__:
                    found[value.code] = value
    rank = {code: index for index, code in enumerate(APPLY_ORDER)}
    return sorted(found.values(), key=lambda rule: (rank.get(rule.code, len(rank)), rule.code))


def _matches(rule: Type[Rule], selectors: Iterable[str]) -> bool:
    for selector in selectors:
        selector = selector.strip()
        if selector.upper() == "ALL" or rule.code.startswith(selector.upper()) or selector == rule.name:
            return True
    return False


def select_rules(select: Sequence[str] = (), ignore: Sequence[str] = ()) -> List[Type[Rule]]:
    """Resolve ``--select``/``--ignore`` (codes, code prefixes, names or ALL).

    Rules another selected rule requires are added (see :data:`REQUIRES`), so
    a selection never produces half a migration.
    """
    rules = all_rules()
    for selector in list(select) + list(ignore):
        if not any(_matches(rule, [selector]) for rule in rules):
            raise UnknownRuleError(f"unknown rule selector {selector!r}")
    chosen = [r for r in rules if (not select or _matches(r, select)) and not _matches(r, ignore)]
    codes = {rule.code for rule in chosen}
    for rule in list(chosen):
        for needed in REQUIRES.get(rule.code, ()):
            codes.add(needed)
    return [rule for rule in rules if rule.code in codes]
