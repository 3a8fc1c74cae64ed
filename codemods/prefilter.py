"""Cheap checks behind the rules' ``is_triggered_by`` (the engine's prefilter).

The engine parses a file with LibCST, and runs a rule on it, only when the
rule's ``is_triggered_by(text)`` says yes (``text`` is the file's bytes
decoded as latin-1, so every byte is one character).  Parsing and running the
rules costs 10-300 times more than reading the file, so on a mostly clean
codebase the prefilter decides how fast ``check`` is.

Every check here must be a *necessary* condition for its rule to change or
report anything: a file that needs migration must never be skipped
(``tests/test_prefilter.py`` holds every rule to that on its fixtures and on
the legacy example).  :data:`RULE_CHECKS` gives each rule's check, and a
string every file it applies to contains: the engine searches each distinct
string once per file, so most clean files cost three substring searches.  It
imports no LibCST: a run that finds nothing to parse never loads it.  Checks
come in two stages:

1. text: substrings, imports found from the imported name back to the start
   of its logical line, a class statement naming ``Workflow`` in its bases,
   and regular expressions that allow any spacing, line continuation or
   comment between two tokens (``async  for``);
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
from typing import Callable, Dict, Iterator, List, Optional, Set, Tuple, Type, TypeVar

NodeT = TypeVar("NodeT", bound=ast.AST)

#: The well-known name of the collect helper (see :func:`codemods.patterns.is_collect_helper`).
COLLECT_HELPER_NAMES = frozenset({"_collect_async_responses"})

#: Where agno 1.x exports ``RunResponseContentEvent`` (AGM001's AGNO_MODULES).
RUN_RESPONSE_MODULES = ("agno.run.response", "agno.agent")

#: Anything Python allows between two tokens (inside brackets): whitespace,
#: backslash continuations and comments.
GAP = r"(?:\s|\\(?:\r\n|\r|\n)|#[^\r\n]*)*"

ASYNC_DEF = re.compile(rf"\basync{GAP}def\b")
ASYNC_FOR = re.compile(rf"\basync{GAP}for\b")
RUN_RESPONSE_CONTENT_EVENT = re.compile(r"\bRunResponseContentEvent\b")  # not TeamRunResponseContentEvent

WORKFLOW_MODULES = ("agno.workflow", "agno.workflow.workflow")

ASYNC_DEF_NAME = re.compile(rf"\basync{GAP}def{GAP}(\w+)")
#: ``(`` then a possibly dotted name then ``(``: the inner call of ``run(<helper>(...))``.
CALL_IN_PARENTHESES = re.compile(rf"\({GAP}(?:\w+{GAP}\.{GAP})*(\w+){GAP}\(")
#: The start of a line opening a ``def``/``class`` (where a function's text ends at the latest).
DEFINITION_LINE = re.compile(r"^([ \t]*)(?:async[ \t]+)?(?:def|class)\b", re.MULTILINE)


def _class_header_naming(name: str) -> "re.Pattern[str]":
    """A ``class`` statement with ``name`` (any dotted spelling) among its bases;
    type parameters (``class C[T](...)``), comments and one level of nested
    brackets allowed."""
    return re.compile(
        rf"\bclass{GAP}\w+{GAP}(?:\[(?:[^\[\]]|\[[^\[\]]*\])*\]{GAP})?\((?:#[^\r\n]*|[^()#]|\((?:#[^\r\n]*|[^()#])*\))*?\b{re.escape(name)}\b"
    )


WORKFLOW_CLASS_HEADER = _class_header_naming("Workflow")
WORKFLOW_ALIAS = re.compile(rf"\bWorkflow{GAP}as{GAP}(\w+)")
ARUN_CALL = re.compile(rf"\.{GAP}arun{GAP}\(")


#: The start of an ``import``/``from`` statement within a logical line: at the
#: line's start (after indentation, a form feed or, on the first line, a UTF-8
#: BOM seen through latin-1) or after ``;``/``:``.
IMPORT_STATEMENT = re.compile(r"(?:^|[;:])(?:\xef\xbb\xbf)?[ \t\f]*(?:import|from)\b")


@functools.lru_cache(maxsize=8)
def imports_module(text: str, module: str) -> bool:
    """An ``import``/``from`` statement names ``module`` (as a whole word) on its logical line.

    Found from each occurrence of the word (``str.find``), looking back to the
    start of its logical line (backslash continuations included).
    """
    position = text.find(module)
    while position != -1:
        end = position + len(module)
        before = text[position - 1] if position else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
            start = text.rfind("\n", 0, position) + 1
            while start >= 2 and text[start - 2] == "\\" or start >= 3 and text[start - 3:start - 1] == "\\\r":
                start = text.rfind("\n", 0, start - 1) + 1
            if IMPORT_STATEMENT.search(text[start:position].replace("\r", " ")) is not None:
                return True
        position = text.find(module, end)
    return False


def may_define_collect_helper(text: str, private_only: bool = False) -> bool:
    """Text stage of "an ``async def`` that drains an async iterable" (AGM002/AGM003).

    Such a helper has the well-known name, or its text (up to the next line
    opening a ``def``/``class`` no more indented than it) has an ``async for``:
    the helper's loop, or its ``return [... async for ...]``.
    """
    if "async" not in text:
        return False
    for match in _async_defs(text):
        name = match.group(1)
        if private_only and not name.startswith("_"):
            continue
        if name in COLLECT_HELPER_NAMES:
            return True
        if ASYNC_FOR.search(text, match.end(), _definition_end(text, match.start())):
            return True
    return False


def _async_defs(text: str) -> Iterator["re.Match[str]"]:
    """:data:`ASYNC_DEF_NAME` matches, found with ``str.find`` (far faster than a
    regular expression starting with ``\\b`` on text that seldom has the word)."""
    position = text.find("async")
    while position != -1:
        if position == 0 or not (text[position - 1].isalnum() or text[position - 1] == "_"):
            match = ASYNC_DEF_NAME.match(text, position)
            if match is not None:
                yield match
        position = text.find("async", position + 5)


def _definition_end(text: str, start: int) -> int:
    """Where the function whose ``async def`` starts at ``start`` ends at the latest.

    At the next line opening a ``def``/``class`` no more indented than it,
    unless a string could span lines before that (a triple quote or a
    backslash continuation): then that line may be string text, and the
    function may go on to the end of the file.
    """
    line_start = text.rfind("\n", 0, start) + 1
    indent = len(text[line_start:start]) - len(text[line_start:start].lstrip(" \t"))
    for match in DEFINITION_LINE.finditer(text, text.find("\n", start) + 1 or len(text)):
        if len(match.group(1)) <= indent:
            body = text[start:match.start()]
            if '"""' in body or "'''" in body or "\\\n" in body or "\\\r" in body:
                return len(text)
            return match.start()
    return len(text)


def may_call_collect_helper(text: str) -> bool:
    """Text stage of AGM002's bridge: a call ``(<x>.<name>(`` of an ``async def`` of the file."""
    names = {match.group(1) for match in _async_defs(text)}
    return any(match.group(1) in names for match in CALL_IN_PARENTHESES.finditer(text))


@functools.lru_cache(maxsize=2)
def may_define_workflow_subclass(text: str) -> bool:
    """Text stage of :func:`has_workflow_subclass`: a class statement naming ``Workflow``
    (or a name it is imported as) in its bases."""
    if "Workflow" not in text or "agno" not in text:
        return False
    if WORKFLOW_CLASS_HEADER.search(text) is not None:
        return True
    aliases = set(WORKFLOW_ALIAS.findall(text))
    return any(_class_header_naming(alias).search(text) is not None for alias in aliases)


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


@functools.lru_cache(maxsize=2)
def _nodes_by_type(tree: ast.Module) -> Dict[type, List[ast.AST]]:
    """Every node of ``tree`` grouped by its type: one walk per file, shared by the rules' checks."""
    grouped: Dict[type, List[ast.AST]] = {}
    for node in ast.walk(tree):
        grouped.setdefault(type(node), []).append(node)
    return grouped


def _nodes(tree: ast.Module, kind: Type[NodeT]) -> List[NodeT]:
    return _nodes_by_type(tree).get(kind, [])  # type: ignore[return-value]


def _calls(tree: ast.Module) -> Iterator[ast.Call]:
    return iter(_nodes(tree, ast.Call))


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
    for node in _nodes(tree, ast.AsyncFunctionDef):
        if private_only and not node.name.startswith("_"):
            continue
        if _may_be_collect_helper(node):
            names.add(node.name)
    return names


def _asyncio_aliases(tree: ast.Module, names: Set[str]) -> Set[str]:
    """Local names bound by ``from asyncio[.submodule] import <name> [as alias]`` for ``names``."""
    aliases: Set[str] = set()
    for node in _nodes(tree, ast.ImportFrom):
        if node.module and node.module.split(".")[0] == "asyncio":
            aliases.update(alias.asname or alias.name for alias in node.names if alias.name in names)
    return aliases


def _calls_asyncio_function(call: ast.Call, name: str, aliases: Set[str]) -> bool:
    """``<anything>.name(...)``, or a call of a name imported from asyncio as ``name``."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr == name
    return isinstance(func, ast.Name) and func.id in aliases


def _unstarred(node: ast.expr) -> ast.expr:
    return node.value if isinstance(node, ast.Starred) else node


def has_collect_bridge(text: str) -> bool:
    """AGM002: ``asyncio.run(<helper>(<generator call>))`` for a collect helper defined in the file.

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
            and len(inner.args) == 1
            and not inner.keywords
            and isinstance(_unstarred(inner.args[0]), ast.Call)  # the generator: a call
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


@functools.lru_cache(maxsize=2)
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
    return any(any(_dotted(base) in bases for base in node.bases) for node in _nodes(tree, ast.ClassDef))


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
    for node in _nodes(tree, ast.Import):
        if any(alias.name == "agno" or alias.name.startswith("agno.") for alias in node.names):
            return True
    for node in _nodes(tree, ast.ImportFrom):
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
    for node in _nodes(tree, ast.ImportFrom):
        names.update(alias.asname for alias in node.names if alias.name == "ThreadPoolExecutor" and alias.asname)
    for call in _calls(tree):
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name in names:
            return True
    return False


# -- per rule ----------------------------------------------------------------------
# Each rule's ``is_triggered_by``: cheap text checks first, then the syntax stage.
# A rule names its check in its ``prefilter`` declaration; the checks live here,
# LibCST-free, so that the engine can prefilter a whole tree without importing
# LibCST (most runs of ``check`` find nothing to parse).


def agm001_may_apply(text: str) -> bool:
    """AGM001: agno's ``RunResponseContentEvent`` can be named, in a module defining a workflow."""
    return (
        "RunResponseContentEvent" in text
        and RUN_RESPONSE_CONTENT_EVENT.search(text) is not None
        and may_define_workflow_subclass(text)
        and imports_run_response_content_event(text)
        and has_workflow_subclass(text)
    )


def agm002_may_apply(text: str) -> bool:
    """AGM002: asyncio imported, a collect helper defined here and a call of it wrapped in a call."""
    return (
        "asyncio" in text
        and "async" in text
        and imports_module(text, "asyncio")
        and may_define_collect_helper(text)
        and may_call_collect_helper(text)
        and has_collect_bridge(text)
    )


def agm003_may_apply(text: str) -> bool:
    """AGM003: a private ``async def`` that is (or may be) a collect helper."""
    return may_define_collect_helper(text, private_only=True) and has_private_collect_helper(text)


def agm004_may_apply(text: str) -> bool:
    """AGM004: asyncio imported, and a call whose only argument is a ``<x>.arun(...)`` call."""
    return (
        "arun" in text
        and "asyncio" in text
        and ARUN_CALL.search(text) is not None
        and imports_module(text, "asyncio")
        and has_wrapped_arun_call(text)
    )


def agm005_may_apply(text: str) -> bool:
    """AGM005: asyncio imported, and ``gather`` called."""
    return (
        "gather" in text
        and "asyncio" in text
        and imports_module(text, "asyncio")
        and calls_gather(text)
    )


def agm006_may_apply(text: str) -> bool:
    """AGM006: ``concurrent`` imported, and ``ThreadPoolExecutor`` called."""
    return (
        "ThreadPoolExecutor" in text
        and "concurrent" in text
        and imports_module(text, "concurrent")
        and calls_thread_pool_executor(text)
    )


def workflow_rule_may_apply(text: str) -> bool:
    """AGM007/AGM008: a class deriving from agno's ``Workflow``."""
    return may_define_workflow_subclass(text) and has_workflow_subclass(text)


#: Text every event-loop bridge needs (``asyncio``/``anyio``/``trio`` imported, or a loop driven by name).
EVENT_LOOP_WORDS = ("asyncio", "anyio", "trio", "run_until_complete", "run_forever")


RELATIVE_IMPORT = re.compile(r"^[ \t]*from[ \t]+\.", re.MULTILINE)


def agm009_may_apply(text: str) -> bool:
    """AGM009 reports loop-running calls in Workflow classes: finds them with :mod:`ast`."""
    if not any(word in text for word in EVENT_LOOP_WORDS):
        return False
    if not may_define_workflow_subclass(text) and not RELATIVE_IMPORT.search(text):
        return False  # no Workflow subclass here, nor a base class from the project
    from codemods.verify import event_loop_bridges_in

    tree = syntax_tree(text)
    return tree is None or bool(event_loop_bridges_in(tree))


def _rule_checks() -> Dict[str, Tuple[str, Callable[[str], bool]]]:
    """Each rule's declared ``prefilter`` (codemods.rules.declarations), resolved to the check here."""
    from codemods.rules import declarations

    checks: Dict[str, Tuple[str, Callable[[str], bool]]] = {}
    for code, declared in declarations().items():
        if declared["prefilter"] is not None:
            key, name = declared["prefilter"]  # type: ignore[misc]
            checks[code] = (key, globals()[name])
    return checks


#: Rule code -> (a string in every file the rule may apply to, the rule's prefilter),
#: from each rule's ``prefilter`` declaration.  The engine looks each distinct
#: string up once per file: on a clean codebase three substring searches decide most files.
RULE_CHECKS: Dict[str, Tuple[str, Callable[[str], bool]]] = _rule_checks()


def may_apply(code: str, text: str) -> bool:
    """Whether rule ``code`` may change or report anything in ``text`` (unknown codes: yes)."""
    if code not in RULE_CHECKS:
        return True
    key, check = RULE_CHECKS[code]
    return key in text and check(text)
