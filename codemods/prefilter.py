"""Cheap checks behind the rules' ``is_triggered_by`` (the engine's prefilter).

The engine parses a file with LibCST, and runs a rule on it, only when the
rule's ``is_triggered_by(text)`` says yes (``text`` is the file's bytes
decoded as latin-1, so every byte is one character).  Parsing and running the
rules costs 10-300 times more than reading the file, so on a mostly clean
codebase the prefilter decides how fast ``check`` is.

Every check here must be a *necessary* condition for its rule to change or
report anything: a file that needs migration must never be skipped
(``tests/test_prefilter.py`` holds every rule to that on its fixtures and on
the legacy example).  Checks come in two stages:

1. text: substrings, and regular expressions that allow any spacing, line
   continuation or comment between two tokens (``async  for``);
2. syntax: the shape a rule needs, found with Python's own :mod:`ast`
   (about ten times faster than a LibCST parse), e.g. AGM004 needs a call
   whose single argument is a ``<x>.arun(...)`` call.  When :mod:`ast` cannot
   parse the file (newer syntax, bad encoding, too deeply nested) the check
   answers yes and LibCST decides.

The syntax checks over-approximate the rules' own matching on purpose (any
``async def`` anywhere counts, argument kinds are not checked, ...): they only
have to be cheap and never say no to a file the rule would touch.
"""

from __future__ import annotations

import ast
import functools
import re
import warnings
from typing import Iterator, Optional, Set

from codemods.patterns import COLLECT_HELPER_NAMES

#: Where agno 1.x exports ``RunResponseContentEvent`` (AGM001's AGNO_MODULES).
RUN_RESPONSE_MODULES = ("agno.run.response", "agno.agent")

#: Anything Python allows between two tokens (inside brackets): whitespace,
#: backslash continuations and comments.
GAP = r"(?:\s|\\(?:\r\n|\r|\n)|#[^\r\n]*)*"

ASYNC_DEF = re.compile(rf"\basync{GAP}def\b")
ASYNC_FOR = re.compile(rf"\basync{GAP}for\b")
RUN_RESPONSE_CONTENT_EVENT = re.compile(r"\bRunResponseContentEvent\b")  # not TeamRunResponseContentEvent

WORKFLOW_MODULES = ("agno.workflow", "agno.workflow.workflow")


def may_define_collect_helper(text: str) -> bool:
    """Text stage of "an ``async def`` that drains an async iterable" (AGM002/AGM003)."""
    if "async" not in text or not ASYNC_DEF.search(text):
        return False
    return any(name in text for name in COLLECT_HELPER_NAMES) or ASYNC_FOR.search(text) is not None


# -- syntax stage ------------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def syntax_tree(text: str) -> Optional[ast.Module]:
    """The file's :mod:`ast` (None when Python cannot parse it).

    Cached: the engine asks every rule about the same ``text`` object in turn.
    The bytes are restored from the latin-1 text so that ``ast`` honours the
    file's encoding cookie or BOM like LibCST does.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. invalid escape sequences
            return ast.parse(text.encode("latin-1"))
    except (SyntaxError, ValueError, UnicodeError, RecursionError, MemoryError, OverflowError):
        return None


def _dotted(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def _calls(tree: ast.AST) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def _called_name(call: ast.Call) -> Optional[str]:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _single_positional_call(call: ast.Call) -> Optional[ast.Call]:
    """``f(<inner call>)`` -> the inner call (one positional, non-star argument)."""
    if len(call.args) == 1 and not call.keywords and isinstance(call.args[0], ast.Call):
        return call.args[0]
    return None


def has_wrapped_arun_call(text: str) -> bool:
    """AGM004: some call's only argument is a ``<x>.arun(...)`` call (``asyncio.run(agent.arun(m))``)."""
    tree = syntax_tree(text)
    if tree is None:
        return True
    for call in _calls(tree):
        inner = _single_positional_call(call)
        if inner is not None and isinstance(inner.func, ast.Attribute) and inner.func.attr == "arun":
            return True
    return False


def _may_be_collect_helper(function: ast.AsyncFunctionDef) -> bool:
    """A superset of :func:`codemods.patterns.is_collect_helper`, on Python's ``ast``.

    A well-known name, or one parameter besides ``self``/``cls`` and a body
    (with or without its docstring) of either ``return [... async for ...]``
    or three statements whose second is an ``async for``.
    """
    if function.name in COLLECT_HELPER_NAMES:
        return True
    if len([a for a in function.args.args if a.arg not in ("self", "cls")]) != 1:
        return False
    bodies = [function.body]
    first = function.body[0] if function.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, (ast.Constant, ast.JoinedStr)):
        bodies.append(function.body[1:])
    for body in bodies:
        if len(body) == 1 and isinstance(body[0], ast.Return) and isinstance(body[0].value, ast.ListComp):
            if any(generator.is_async for generator in body[0].value.generators):
                return True
        if len(body) == 3 and isinstance(body[1], ast.AsyncFor):
            return True
    return False


def collect_helper_names(text: str, private_only: bool = False) -> Optional[Set[str]]:
    """Names of the ``async def`` s that may be collect helpers (None: cannot tell).

    Functions at any depth, see :func:`_may_be_collect_helper`.
    """
    tree = syntax_tree(text)
    if tree is None:
        return None
    names: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.AsyncFunctionDef):
            if private_only and not node.name.startswith("_"):
                continue
            if _may_be_collect_helper(node):
                names.add(node.name)
    return names


def _asyncio_aliases(tree: ast.AST, names: Set[str]) -> Set[str]:
    """Local names bound by ``from asyncio[.submodule] import <name> [as alias]`` for ``names``."""
    aliases: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "asyncio":
            aliases.update(alias.asname or alias.name for alias in node.names if alias.name in names)
    return aliases


def _calls_asyncio_function(call: ast.Call, name: str, aliases: Set[str]) -> bool:
    """``<anything>.name(...)``, or a call of a name imported from asyncio as ``name``."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr == name
    return isinstance(func, ast.Name) and func.id in aliases


def has_collect_bridge(text: str) -> bool:
    """AGM002: ``asyncio.run(<helper>(<one argument>))`` for a collect helper defined in the file.

    ``asyncio.run`` in any spelling the rule accepts: ``<module>.run`` or a
    name imported with ``from asyncio import run [as alias]``.
    """
    helpers = collect_helper_names(text)
    if helpers is None:
        return True
    if not helpers:
        return False
    tree = syntax_tree(text)
    assert tree is not None
    runs = _asyncio_aliases(tree, {"run"})
    for call in _calls(tree):
        inner = _single_positional_call(call)
        if (
            inner is not None
            and len(inner.args) + len(inner.keywords) == 1
            and _called_name(inner) in helpers
            and _calls_asyncio_function(call, "run", runs)
        ):
            return True
    return False


def calls_gather(text: str) -> bool:
    """AGM005: a call of ``<x>.gather(...)`` or of a name imported from asyncio as ``gather``."""
    tree = syntax_tree(text)
    if tree is None:
        return True
    gathers = _asyncio_aliases(tree, {"gather"})
    return any(_calls_asyncio_function(call, "gather", gathers) for call in _calls(tree))


def has_private_collect_helper(text: str) -> bool:
    """AGM003: a private ``async def`` that may be a collect helper."""
    helpers = collect_helper_names(text, private_only=True)
    return helpers is None or bool(helpers)


def has_workflow_subclass(text: str) -> bool:
    """AGM007/AGM008: a class deriving from agno's ``Workflow``.

    Mirrors :func:`codemods.patterns.workflow_class_names`: the module's
    top-level imports of ``agno.workflow`` (any alias) give the spellings of
    ``Workflow``; a class deriving from a workflow class of the same module
    needs a first one that derives from one of those spellings directly.
    """
    tree = syntax_tree(text)
    if tree is None:
        return True
    bases: Set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
            for alias in statement.names:
                if statement.module in WORKFLOW_MODULES and alias.name == "Workflow":
                    bases.add(alias.asname or alias.name)
                elif statement.module == "agno" and alias.name == "workflow":
                    bases.add(f"{alias.asname or alias.name}.Workflow")
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.name in WORKFLOW_MODULES:
                    bases.add(f"{alias.asname or alias.name}.Workflow")
    if not bases:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(_dotted(base) in bases for base in node.bases):
            return True
    return False


def imports_run_response_content_event(text: str) -> bool:
    """AGM001: an import (at any depth) through which agno's ``RunResponseContentEvent`` may be named.

    The rule resolves names with LibCST's qualified names, which come from
    imports: ``from agno.run.response import RunResponseContentEvent`` (or
    ``agno.agent``, any alias, ``*``), or a module on the way to it
    (``import agno...``, ``from agno import agent``, ``from agno.run import
    response``).
    """
    if RUN_RESPONSE_CONTENT_EVENT.search(text) is None:
        return False
    tree = syntax_tree(text)
    if tree is None:
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(alias.name == "agno" or alias.name.startswith("agno.") for alias in node.names):
                return True
        elif isinstance(node, ast.ImportFrom):
            names = {alias.name for alias in node.names}
            if node.level or node.module in RUN_RESPONSE_MODULES:
                if names & {"RunResponseContentEvent", "*"}:
                    return True
            elif node.module in ("agno", "agno.run"):
                return True
    return False


def calls_thread_pool_executor(text: str) -> bool:
    """AGM006: a call of ``ThreadPoolExecutor`` (``x.ThreadPoolExecutor(...)``, or a name imported as it)."""
    tree = syntax_tree(text)
    if tree is None:
        return True
    names = {"ThreadPoolExecutor"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.update(alias.asname for alias in node.names if alias.name == "ThreadPoolExecutor" and alias.asname)
    for call in _calls(tree):
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name in names:
            return True
    return False
