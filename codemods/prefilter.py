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
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Set, Tuple, Type, TypeVar

from codemods.scope import fanout_everywhere

NodeT = TypeVar("NodeT", bound=ast.AST)

#: The well-known name of the collect helper (see :func:`codemods.patterns.is_collect_helper`).
COLLECT_HELPER_NAMES = frozenset({"_collect_async_responses"})

#: Where agno 1.x exports ``RunResponseContentEvent`` (AGM001's AGNO_MODULES).
RUN_RESPONSE_MODULES = ("agno.run.response", "agno.agent")

#: Anything Python allows between two tokens (inside brackets): whitespace,
#: backslash continuations and comments.  Possessive (Python 3.11): a comment
#: is taken whole, so a line of ``#`` characters cannot make the search backtrack
#: exponentially (and a token inside a comment is never matched).
GAP = r"(?:\s|\\(?:\r\n|\r|\n)|#[^\r\n]*+)*+"

ASYNC_DEF = re.compile(rf"\basync{GAP}def\b")
ASYNC_FOR = re.compile(rf"\basync{GAP}for\b")
RUN_RESPONSE_CONTENT_EVENT = re.compile(r"\bRunResponseContentEvent\b")  # not TeamRunResponseContentEvent

WORKFLOW_MODULES = ("agno.workflow", "agno.workflow.workflow")

ASYNC_DEF_NAME = re.compile(rf"\basync{GAP}def{GAP}(\w+)")
#: A name called: ``<name>(``.
NAME_CALL = re.compile(rf"\b(\w+){GAP}\(")
#: The start of a line opening a ``def``/``class`` (where a function's text ends at the latest).
DEFINITION_LINE = re.compile(r"^([ \t]*)(?:async[ \t]+)?(?:def|class)\b", re.MULTILINE)


WORKFLOW_ALIAS = re.compile(rf"\bWorkflow{GAP}as{GAP}(\w+)")
CLASS_NAME = re.compile(rf"\bclass{GAP}\w+")
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
    """Where the function whose ``async def`` starts at ``start`` ends at the latest
    (see :func:`_definition_extent`)."""
    return _definition_extent(text, start)[0]


#: Where a string or a comment starts, or a line opening a ``def``/``class``.
_EXTENT_TOKEN = re.compile(
    r"""(?P<comment>#[^\r\n]*)|(?P<quote>\"\"\"|'''|"|')|^(?P<indent>[ \t]*)(?:async[ \t]+)?(?:def|class)\b""",
    re.MULTILINE,
)


def _string_end(text: str, position: int, quote: str) -> Optional[int]:
    """Where the string literal whose opening ``quote`` ends at ``position`` ends;
    None when it does not (a one-quote string reaching the end of its line)."""
    while True:
        if len(quote) == 3:
            index = text.find(quote, position)
        else:
            found = [i for i in (text.find(quote, position), text.find("\n", position), text.find("\r", position))
                     if i != -1]
            index = min(found) if found else -1
        if index == -1:
            return None
        backslashes = 0
        while text[index - 1 - backslashes] == "\\":
            backslashes += 1
        if backslashes % 2:  # escaped: a quote, or a line continuation inside the string
            position = index + 1
            continue
        if text[index] in "\r\n":
            return None
        return index + len(quote)


@functools.lru_cache(maxsize=64)
def _definition_extent(text: str, start: int) -> Tuple[int, bool]:
    """Where the function whose ``async def`` starts at ``start`` ends at the
    latest: at the next line opening a ``def``/``class`` no more indented than
    it, strings and comments skipped.  The flag says whether that is certain;
    False when a string does not end as expected (then: the end of the file)."""
    line_start = text.rfind("\n", 0, start) + 1
    indent = len(text[line_start:start]) - len(text[line_start:start].lstrip(" \t"))
    position = text.find("\n", start) + 1 or len(text)
    while True:
        match = _EXTENT_TOKEN.search(text, position)
        if match is None:
            return len(text), True
        if match.group("quote"):
            end = _string_end(text, match.end(), match.group("quote"))
            if end is None:
                return len(text), False
            position = end
        elif match.group("comment") is not None:
            position = match.end()
        elif len(match.group("indent")) <= indent:
            return match.start(), True
        else:
            position = match.end()


#: What a forward scan over brackets stops at.
BRACKET_QUOTE_OR_COMMENT = re.compile(r"[()\[\]{}'\"#]")


def _closing_bracket(text: str, index: int, skip_strings: bool = False) -> Optional[int]:
    """Where the bracket opening at ``index`` closes; None when a string or a
    comment lies in between (``skip_strings``: they are skipped), or the
    brackets do not balance."""
    depth = 0
    position = index
    while True:
        match = BRACKET_QUOTE_OR_COMMENT.search(text, position)
        if match is None:
            return None
        character = match.group()
        position = match.end()
        if character in "([{":
            depth += 1
        elif character in ")]}":
            depth -= 1
            if depth == 0:
                return match.start()
        elif not skip_strings:
            return None
        elif character == "#":
            position = min(i for i in (text.find("\n", position), text.find("\r", position), len(text)) if i != -1)
        else:
            quote = text[match.start():match.start() + 3]
            end = _string_end(text, position + 2 if quote in ('"""', "'''") else position,
                              quote if quote in ('"""', "'''") else character)
            if end is None:
                return None
            position = end


PARAMETERS_OPEN = re.compile(rf"{GAP}\(")


def _positional_parameters(text: str, match: "re.Match[str]") -> Optional[int]:
    """How many of the ``async def``'s parameters at ``match`` ast lists in
    ``args.args`` (after ``/``, before ``*``), ``self``/``cls`` not counted;
    None when its text does not tell (strings or comments in it, type parameters)."""
    opening = PARAMETERS_OPEN.match(text, match.end())
    if opening is None:
        return None
    closing = _closing_bracket(text, opening.end() - 1)
    if closing is None or "lambda" in text[opening.end():closing]:
        return None  # (a lambda's parameters hold commas outside brackets)
    items: List[str] = []
    depth, item_start = 0, opening.end()
    for index in range(opening.end(), closing):
        character = text[index]
        if character in "([{":
            depth += 1
        elif character in ")]}":
            depth -= 1
        elif character == "," and depth == 0:
            items.append(text[item_start:index])
            item_start = index + 1
    items.append(text[item_start:closing])
    count = 0
    for item in items:
        item = item.replace("\\\r\n", " ").replace("\\\n", " ").replace("\\\r", " ").strip()
        if not item:
            continue
        if item == "/":
            count = 0  # those were positional-only
            continue
        if item.startswith("*"):
            break  # keyword-only parameters follow
        name = re.match(r"\w+", item)
        if name is None:
            return None
        if name.group() not in ("self", "cls"):
            count += 1
    return count


def _is_word_character(character: str) -> bool:
    return character.isalnum() or character == "_" or character >= "\x80"  # UTF-8 bytes seen through latin-1


def _skip_back(text: str, index: int) -> Optional[int]:
    """The last position at or before ``index`` that is not whitespace or a line
    continuation (-1: the start of the text); None when a line crossed on the
    way may end in a comment (unsure)."""
    while index >= 0:
        character = text[index]
        if character in " \t\f":
            index -= 1
        elif character in "\r\n":
            end = index - 1 if character == "\n" and index and text[index - 1] == "\r" else index
            start = max(text.rfind("\n", 0, end), text.rfind("\r", 0, end)) + 1
            if "#" in text[start:end]:
                return None
            index = end - 1
            if index >= 0 and text[index] == "\\":
                index -= 1
        else:
            return index
    return -1


def _opening_bracket(text: str, index: int) -> Optional[int]:
    """Where the bracket closing at ``index`` opens; None when a string or a
    comment may lie in between (or the brackets do not balance)."""
    depth = 0
    while index >= 0:
        character = text[index]
        if character in ")]}":
            depth += 1
        elif character in "([{":
            depth -= 1
            if depth == 0:
                return index
        elif character in "'\"#":
            return None
        index -= 1
    return None


def _before_primary(text: str, last: int) -> Optional[int]:
    """Scanning back from ``last``, the last character of a primary (``x``,
    ``self.agents[0]``, ``make(a).b``...): the position of what comes before it
    (-1: the start of the text), None when unsure.

    A primary here is names joined by dots, with call and subscript brackets
    after them, or a bracketed atom; a string (a quote) or a comment on the
    way makes the answer unsure.
    """
    index: Optional[int] = last
    while index is not None and index >= 0:
        character = text[index]
        if character in ")]}":
            opening = _opening_bracket(text, index)
            if opening is None:
                return None
            index = _skip_back(text, opening - 1)
            if index is not None and index >= 0 and (_is_word_character(text[index]) or text[index] in ")]}"):
                continue  # a call or subscript of what comes before
            return _unless_quote(text, index)
        if _is_word_character(character):
            while index >= 0 and _is_word_character(text[index]):
                index -= 1
            index = _skip_back(text, index)
            if index is not None and index >= 0 and text[index] == ".":
                index = _skip_back(text, index - 1)
                continue
            return _unless_quote(text, index)
        return _unless_quote(text, index)
    return index


def _unless_quote(text: str, index: Optional[int]) -> Optional[int]:
    """``index``, or None (unsure) when a string literal ends there: the primary
    may start with it."""
    return None if index is not None and index >= 0 and text[index] in "'\"" else index


def may_wrap_arun_call(text: str) -> bool:
    """Text stage of :func:`has_wrapped_arun_call`: some ``<receiver>.arun(`` right
    after a ``(`` (the receiver scanned back as a primary: names, dots,
    brackets), or a spelling too unusual to tell (strings, comments)."""
    for match in ARUN_CALL.finditer(text):
        receiver_end = _skip_back(text, match.start() - 1)
        if receiver_end is None:
            return True
        before = _before_primary(text, receiver_end)
        if before is None or (before >= 0 and text[before] == "("):
            return True
    return False


def may_call_collect_helper(text: str, names: Optional[Set[str]] = None) -> bool:
    """Text stage of AGM002's bridge: a call of an ``async def`` of the file (or of
    one of ``names``) right after a ``(``: ``run(<receiver>.<name>(``, the
    receiver scanned back as a primary (see :func:`_before_primary`)."""
    if names is None:
        names = {match.group(1) for match in _async_defs(text)}
    if not names:
        return False
    calls = NAME_CALL if len(names) > 16 else re.compile(
        rf"\b({'|'.join(re.escape(name) for name in sorted(names))}){GAP}\(")
    for match in calls.finditer(text):
        if match.group(1) in names:
            before = _before_primary(text, match.end(1) - 1)
            if before is None or (before >= 0 and text[before] == "("):
                return True
    return False


def _collect_helper_by_itself(text: str, match: "re.Match[str]", end: int) -> Optional[bool]:
    """Whether the ``async def`` at ``match`` may be a collect helper, from its own
    text (up to ``end``) parsed alone; None when that text does not parse
    alone into that function (the whole file decides then)."""
    line_start = max(text.rfind("\n", 0, match.start()), text.rfind("\r", 0, match.start())) + 1
    lines = text[line_start:end].splitlines(keepends=True)
    indent = len(lines[0]) - len(lines[0].lstrip(" \t"))
    opening = PARAMETERS_OPEN.match(text, match.end())
    closing = _closing_bracket(text, opening.end() - 1, skip_strings=True) if opening is not None else None
    header_lines = text.count("\n", match.start(), closing) + 1 if closing is not None else 1
    for index, line in enumerate(lines[header_lines:], header_lines):
        code = line.strip()
        if code and not code.startswith("#") and len(line) - len(line.lstrip(" \t")) <= indent:
            del lines[index:]  # the enclosing code goes on (a cut inside brackets or a string does not parse)
            break
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(("@", "#"))):
        lines.pop()  # the next definition's decorators and comments
    snippet = "".join(lines)
    if snippet[:1] in (" ", "\t"):
        snippet = "if 1:\n" + snippet
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = ast.parse(snippet.encode("latin-1"))
    except (SyntaxError, ValueError, UnicodeError, RecursionError, MemoryError, OverflowError):
        return None
    first = module.body[0] if module.body else None
    if isinstance(first, ast.If) and snippet.startswith("if 1:\n"):
        first = first.body[0]
    if not isinstance(first, ast.AsyncFunctionDef) or first.name != match.group(1):
        return None
    return _may_be_collect_helper(first)


@functools.lru_cache(maxsize=4)
def collect_helper_names_by_text(text: str, private_only: bool = False) -> Optional[Set[str]]:
    """:func:`collect_helper_names` without parsing the file: each candidate
    ``async def`` (see :func:`may_define_collect_helper`) parsed alone; None
    when one cannot be (its text spans a multi-line string, ...)."""
    if private_only:
        every = collect_helper_names_by_text(text)
        if every is not None:
            return {name for name in every if name.startswith("_")}
    names: Set[str] = set()
    for match in _async_defs(text):
        name = match.group(1)
        if private_only and not name.startswith("_"):
            continue
        if name in COLLECT_HELPER_NAMES:
            names.add(name)
            continue
        if _positional_parameters(text, match) not in (1, None):
            continue  # a helper has one parameter (besides self/cls)
        end, certain = _definition_extent(text, match.start())
        if not ASYNC_FOR.search(text, match.end(), end):
            continue
        if not certain:
            return None
        verdict = _collect_helper_by_itself(text, match, end)
        if verdict is None:
            return None
        if verdict:
            names.add(name)
    return names


def _class_header(text: str, start: int) -> str:
    """The header of the class statement whose name ends at ``start``:
    its text up to the ``:`` that ends it, brackets spanning lines, comments left out.

    A quote inside (a string among the class keywords) makes the end
    uncertain: then the rest of the file is the header.
    """
    parts: List[str] = []
    depth = 0
    i = segment = start
    n = len(text)
    while i < n:
        c = text[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == ":" and depth <= 0:
            break
        elif c == "#":
            parts.append(text[segment:i])
            i = min(j for j in (text.find("\n", i), text.find("\r", i), n) if j != -1)
            segment = i
            continue
        elif c in "'\"":
            return text[start:]
        elif c in "\r\n" and depth <= 0 and text[i - 1] != "\\" and text[i - 2:i] != "\\\r":
            break  # the logical line ended without a ':': not a class statement (a word in a comment, ...)
        i += 1
    parts.append(text[segment:i])
    return "".join(parts)


def _workflow_aliases(text: str) -> Iterator[str]:
    """The names in ``Workflow as <name>`` (found with ``str.find``: faster than a
    regular expression starting with ``\\b`` on text that seldom has the word)."""
    position = text.find("Workflow")
    while position != -1:
        if position == 0 or not _is_word_character(text[position - 1]):
            match = WORKFLOW_ALIAS.match(text, position)
            if match is not None:
                yield match.group(1)
        position = text.find("Workflow", position + 8)


@functools.lru_cache(maxsize=2)
def may_define_workflow_subclass(text: str) -> bool:
    """Text stage of :func:`has_workflow_subclass`: a class statement naming ``Workflow``
    (or a name it is imported as) in its header, brackets nested to any depth."""
    if "Workflow" not in text or "agno" not in text:
        return False
    names = sorted({"Workflow", *_workflow_aliases(text)})
    naming = re.compile(r"\b(?:%s)\b" % "|".join(re.escape(name) for name in names))
    return any(naming.search(_class_header(text, match.end())) is not None
               for match in CLASS_NAME.finditer(text))


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
    helpers = collect_helper_names_by_text(text)
    if not may_call_collect_helper(text, helpers):
        return False
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
            and inner.args  # more arguments (limit=1...): the rule reports why it leaves it alone
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
    helpers = collect_helper_names_by_text(text, private_only=True)
    if helpers is not None:
        return bool(helpers)
    helpers = collect_helper_names(text, private_only=True)
    return helpers is None or bool(helpers)


def _workflow_bases(tree: ast.Module) -> Set[str]:
    """The spellings of agno's ``Workflow`` the module's top-level imports give
    (as :func:`codemods.patterns.workflow_class_names` reads them)."""
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
    return bases


@functools.lru_cache(maxsize=2)
def workflow_class_names(tree: ast.Module) -> Set[str]:
    """A superset of :func:`codemods.patterns.workflow_class_names`, on Python's ``ast``.

    Classes (at any depth) deriving from a spelling of ``Workflow`` the
    module imports, or from such a class of the module.  LibCST's version
    sees a class only after its base (in file order); this one takes every
    class deriving from one found anywhere, so it never finds fewer.
    """
    bases = _workflow_bases(tree)
    if not bases:
        return set()
    classes = _nodes(tree, ast.ClassDef)
    found: Set[str] = set()
    while True:
        more = {node.name for node in classes if node.name not in found
                and any(_dotted(base) in bases or _dotted(base) in found for base in node.bases)}
        if not more:
            return found
        found |= more


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
    bases = _workflow_bases(tree)
    if not bases:
        return False
    return any(any(_dotted(base) in bases for base in node.bases) for node in _nodes(tree, ast.ClassDef))


def has_unwrapped_run_pair(text: str) -> bool:
    """AGM008: a ``Workflow`` subclass whose body defines ``run`` and ``arun`` but no ``update_run_method``.

    Exactly what the rule looks for in each class (a superset of the classes:
    see :func:`workflow_class_names`); when AGM007 generates the ``arun``, the
    engine asks again about its output.
    """
    tree = syntax_tree(text)
    if tree is None:
        return True
    names = workflow_class_names(tree)
    for node in _nodes(tree, ast.ClassDef):
        if node.name in names:
            methods = {s.name for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
            if {"run", "arun"} <= methods and "update_run_method" not in methods:
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
        and has_collect_bridge(text)
    )


def agm003_may_apply(text: str) -> bool:
    """AGM003: a private ``async def`` that is (or may be) a collect helper."""
    return "async" in text and has_private_collect_helper(text)


def agm004_may_apply(text: str) -> bool:
    """AGM004: asyncio imported, and a call whose only argument is a ``<x>.arun(...)`` call."""
    return (
        "arun" in text
        and "asyncio" in text
        and imports_module(text, "asyncio")
        and may_wrap_arun_call(text)
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
    """AGM007: a class deriving from agno's ``Workflow``."""
    return may_define_workflow_subclass(text) and has_workflow_subclass(text)


def agm008_may_apply(text: str) -> bool:
    """AGM008: a ``Workflow`` subclass with ``run`` and ``arun`` and no ``update_run_method``."""
    return "arun" in text and may_define_workflow_subclass(text) and has_unwrapped_run_pair(text)


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


#: The rules that apply only to workflow code unless ``fanout_scope`` is "all"
#: (:mod:`codemods.scope`): without a ``Workflow`` subclass a module has no
#: workflow code, and they change and report nothing there (their ``nothing_to_do``).
FANOUT_RULES = ("AGM005", "AGM006")


def _in_workflows(key: str, check: Callable[[str], bool]) -> Callable[[str], bool]:
    def in_workflows(text: str) -> bool:
        return key in text and may_define_workflow_subclass(text) and check(text) and has_workflow_subclass(text)

    in_workflows.__name__ = f"{check.__name__}_in_workflows"
    return in_workflows


#: :data:`RULE_CHECKS` for a run whose fan-out rules stay in workflow code (the
#: default): those rules' key is ``Workflow``, so most files are decided by
#: the substring searches already made for AGM001/AGM007/AGM008.
WORKFLOW_SCOPE_CHECKS: Dict[str, Tuple[str, Callable[[str], bool]]] = {
    code: ("Workflow", _in_workflows(*check)) if code in FANOUT_RULES else check
    for code, check in RULE_CHECKS.items()
}


def rule_checks(options: Optional[Mapping[str, Any]] = None) -> Dict[str, Tuple[str, Callable[[str], bool]]]:
    """Each rule's ``(key, check)`` for a run with ``options`` (the engine's options).

    ``fanout_scope`` "workflow" (the default) narrows AGM005/AGM006 to files
    with a ``Workflow`` subclass; "all": :data:`RULE_CHECKS`, which holds
    whatever the options.
    """
    return RULE_CHECKS if fanout_everywhere(options or {}) else WORKFLOW_SCOPE_CHECKS


def may_apply(code: str, text: str, options: Optional[Mapping[str, Any]] = None) -> bool:
    """Whether rule ``code`` may change or report anything in ``text`` (unknown codes: yes).

    Without ``options``: whatever the options (the widest fan-out scope).
    """
    checks = RULE_CHECKS if options is None else rule_checks(options)
    if code not in checks:
        return True
    key, check = checks[code]
    return key in text and check(text)
