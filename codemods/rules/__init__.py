"""The rule registry.

Every module ``agmNNN_*.py`` in this package defines exactly one
:class:`~codemods.rule.Rule` subclass, and that class is the rule's only
declaration: code, name, summary, docs, examples, and three attributes the
engine needs *before* it imports LibCST (a run that finds nothing to parse
never does):

* ``requires``: rules whose rewrite this one's output needs (AGM002 yields
  from the sync twins AGM007 generates); a selection gets them added;
* ``runs_after``: rules whose output this one must see; :data:`APPLY_ORDER`
  is the stable topological order of these (ties by code);
* ``prefilter``: ``(a string every file it applies to contains, the name of
  its LibCST-free check in codemods.prefilter)``.

They are one-line literals in the class body; :func:`declarations` reads
them from the module's text (a line scan and :func:`ast.literal_eval`, no
import), and ``tests/test_registry.py`` checks the scan against the imported
class, so they cannot drift apart.
"""

from __future__ import annotations

import ast
import functools
import importlib
import os
import pkgutil
import re
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Sequence, Tuple, Type, Union

if TYPE_CHECKING:  # importing a rule imports LibCST: only done when a rule must run
    from codemods.rule import Rule

#: The migration targets (``--target``, config ``target``) and the code
#: prefixes of the rule families each one leaves out: the agno 1.x async
#: migration (AGM0xx) always runs; moving on to agno 3 adds the AGM3xx family,
#: which runs after it (a workflow is first made right on 1.x).
TARGETS: Dict[str, Tuple[str, ...]] = {"agno1": ("AGM3",), "agno3": ()}
DEFAULT_TARGET = "agno1"

def dependents(code: str) -> set:
    """The rules that require ``code``, directly or through others."""
    found: set = set()
    frontier = [code]
    while frontier:
        current = frontier.pop()
        for rule, needs in REQUIRES.items():
            if current in needs and rule not in found:
                found.add(rule)
                frontier.append(rule)
    return found

#: A rule module's name: ``agm001_run_response_content_event`` holds rule AGM001.
RULE_MODULE = re.compile(r"agm(\d{3})_\w+$")

#: The class attributes :func:`declarations` reads without importing the rule.
DECLARED = ("code", "requires", "runs_after", "prefilter")
_DECLARATION = re.compile(r"^    (%s) = (.+?)\s*(?:#.*)?$" % "|".join(DECLARED), re.MULTILINE)


@functools.lru_cache(maxsize=None)
def declarations() -> Dict[str, Dict[str, object]]:
    """Rule code -> its declared ``requires``, ``runs_after`` and ``prefilter`` (nothing imported).

    Read from the first class body in the module that assigns ``code``: each
    attribute is a one-line literal at class level (four spaces in)."""
    found: Dict[str, Dict[str, object]] = {}
    for code, module in rule_modules().items():
        with open(os.path.join(__path__[0], module + ".py"), encoding="utf-8") as handle:
            text = handle.read()
        values: Dict[str, object] = {"requires": (), "runs_after": (), "prefilter": None}
        seen_code = False
        for match in _DECLARATION.finditer(text):
            attribute, literal = match.groups()
            if attribute == "code":
                if seen_code:
                    break  # a second class: not this rule's
                seen_code = True
            values[attribute] = ast.literal_eval(literal)
        found[code] = values
    return found


def requires() -> Dict[str, Tuple[str, ...]]:
    """Rule code -> the rules it requires (declared ``requires``)."""
    return {code: tuple(d["requires"]) for code, d in declarations().items() if d["requires"]}  # type: ignore[arg-type]


def apply_order() -> Tuple[str, ...]:
    """Every rule's code in the order rules run: each after its ``runs_after`` rules, ties by code."""
    after = {code: set(d["runs_after"]) for code, d in declarations().items()}  # type: ignore[arg-type]
    unknown = {needed for needs in after.values() for needed in needs} - set(after)
    if unknown:
        raise UnknownRuleError(f"runs_after names unknown rules: {', '.join(sorted(unknown))}")
    order: List[str] = []
    while len(order) < len(after):
        ready = sorted(code for code, needs in after.items() if code not in order and needs <= set(order))
        if not ready:
            raise UnknownRuleError("runs_after has a cycle among " + ", ".join(sorted(set(after) - set(order))))
        order.append(ready[0])
    return tuple(order)

#: A rule given by its code or by its class (the engine accepts both).
RuleRef = Union[str, Type["Rule"]]


class UnknownRuleError(ValueError):
    pass


@functools.lru_cache(maxsize=None)
def rule_modules() -> Dict[str, str]:
    """Rule code -> the name of its module, from the file names (nothing is imported)."""
    modules: Dict[str, str] = {}
    for info in pkgutil.iter_modules(__path__):
        match = RULE_MODULE.match(info.name)
        if match:
            modules[f"AGM{match.group(1)}"] = info.name
    return modules


def rule_codes() -> List[str]:
    """Every rule's code, in :data:`APPLY_ORDER`."""
    return list(APPLY_ORDER)


#: The order rules run in (see :func:`apply_order`): rewrites others build on
#: come first (AGM002 rewrites bridges into ``yield from`` a sync twin that
#: AGM007 then generates), the leftover report (AGM009) after every rewrite.
APPLY_ORDER: Tuple[str, ...] = apply_order()
#: Rules whose rewrite is only valid when another rule also runs (declared ``requires``).
REQUIRES: Dict[str, Tuple[str, ...]] = requires()


def in_target(code: str, target: str) -> bool:
    """Whether migration ``target`` runs rule ``code``."""
    return not code.startswith(TARGETS[target]) if TARGETS[target] else True


def load_rule(code: str) -> Type["Rule"]:
    """The rule class with ``code`` (imports its module)."""
    from codemods.rule import Rule

    module_name = rule_modules().get(code)
    if module_name is None:
        raise UnknownRuleError(f"unknown rule {code!r}")
    module = importlib.import_module(f"{__name__}.{module_name}")
    for value in vars(module).values():
        if (isinstance(value, type) and issubclass(value, Rule) and value.code == code
                and value.__module__ == module.__name__):
            return value
    raise UnknownRuleError(f"module {module.__name__} defines no rule {code}")


def load_rules(rules: Iterable[RuleRef]) -> List[Type["Rule"]]:
    """Rule classes for codes (classes are kept as they are)."""
    return [load_rule(rule) if isinstance(rule, str) else rule for rule in rules]


def all_rules() -> List[Type["Rule"]]:
    """Every rule, in :data:`APPLY_ORDER` (unknown codes last, by code)."""
    return load_rules(rule_codes())


def _matches(code: str, selector: str, names: Optional[Dict[str, str]]) -> bool:
    selector = selector.strip()
    if selector.upper() == "ALL" or code.startswith(selector.upper()):
        return True
    return names is not None and names.get(code) == selector


def select_codes(select: Sequence[str] = (), ignore: Sequence[str] = (),
                 target: str = DEFAULT_TARGET) -> List[str]:
    """Resolve ``--select``/``--ignore`` (codes, code prefixes, names or ALL) to rule codes.

    Only ``target``'s rules (see :data:`TARGETS`) can be chosen: selecting an
    agno 3 rule without ``--target agno3`` is an error that says so.  Rules
    another selected rule requires are added (see :data:`REQUIRES`), so a
    selection never produces half a migration.  Only a selector that is not a
    code (a rule's name) makes the rules be imported.
    """
    if target not in TARGETS:
        raise UnknownRuleError(f"unknown target {target!r}; known: {', '.join(TARGETS)}")
    every_code = rule_codes()
    codes = [code for code in every_code if in_target(code, target)]
    for selector in select:
        wanted = selector.strip().upper()
        outside = [code for code in every_code if code.startswith(wanted) and code not in codes]
        if wanted != "ALL" and outside and not any(code.startswith(wanted) for code in codes):
            needed = next(name for name in TARGETS if in_target(outside[0], name))
            raise UnknownRuleError(f"rule selector {selector!r} needs --target {needed} (target is {target})")
    selectors = list(select) + list(ignore)
    names: Optional[Dict[str, str]] = None
    if any(not any(_matches(code, s, None) for code in codes) for s in selectors):
        names = {rule.code: rule.name for rule in all_rules()}
    for selector in selectors:
        if not any(_matches(code, selector, names) for code in codes):
            raise UnknownRuleError(f"unknown rule selector {selector!r}")
    chosen = {
        code for code in codes
        if (not select or any(_matches(code, s, names) for s in select))
        and not any(_matches(code, s, names) for s in ignore)
    }
    chosen -= _needing_ignored(chosen, ignore, names)
    frontier = list(chosen)
    while frontier:  # what the chosen rules require, transitively
        for needed in REQUIRES.get(frontier.pop(), ()):
            if needed not in chosen:
                chosen.add(needed)
                frontier.append(needed)
    return [code for code in codes if code in chosen]


def _explicitly_ignored(ignore: Sequence[str], names: Optional[Dict[str, str]]) -> set:
    """The required rules the user ignored by code or name (not by a prefix such as ``AGM``)."""
    required = {needed for needs in REQUIRES.values() for needed in needs}
    return {code for code in required if any(
        selector.strip().upper() == code or (names is not None and names.get(code) == selector.strip())
        for selector in ignore)}


def _needing_ignored(chosen: set, ignore: Sequence[str], names: Optional[Dict[str, str]]) -> set:
    """The chosen rules that need a rule the user ignored by name or code: an
    explicit ``--ignore`` wins, so they do not run (see :func:`selection_notes`)."""
    explicit = _explicitly_ignored(ignore, names)
    return {code for code in chosen if set(_required_by(code)) & explicit}


def _required_by(code: str) -> List[str]:
    """What ``code`` needs, transitively."""
    found: List[str] = []
    frontier = [code]
    while frontier:
        for needed in REQUIRES.get(frontier.pop(), ()):
            if needed not in found:
                found.append(needed)
                frontier.append(needed)
    return found


def selection_notes(select: Sequence[str] = (), ignore: Sequence[str] = (),
                    target: str = DEFAULT_TARGET) -> List[str]:
    """What the user should know about a selection: rules that do not run
    because they need an ignored rule (see :func:`select_codes`)."""
    names = None
    if any(not selector.strip().upper().startswith("AGM") for selector in ignore):
        names = {rule.code: rule.name for rule in all_rules()}
    wanted = set(select_codes(select, (), target))
    explicit = _explicitly_ignored(ignore, names)
    notes = []
    for code in sorted(_needing_ignored(wanted, ignore, names)):
        missing = ", ".join(needed for needed in _required_by(code) if needed in explicit)
        notes.append(f"{code} does not run: it needs {missing}, which is ignored")
    return notes


def select_rules(select: Sequence[str] = (), ignore: Sequence[str] = (),
                 target: str = DEFAULT_TARGET) -> List[Type["Rule"]]:
    """:func:`select_codes`, as rule classes."""
    return load_rules(select_codes(select, ignore, target))
