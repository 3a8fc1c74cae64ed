"""Lay out the lines a rewrite wrote or changed as ``ruff format`` would, in files formatted at 88 columns.

agno-migrate runs no formatter, and LibCST keeps the user's layout; but a
rewrite changes line lengths: ``tg.create_task(...)`` around an argument, a
twin's ``def`` without ``async``, ``RunResponseContentEvent`` renamed
``RunResponse``.  In a file that looks formatted at ruff's (and black's)
default line length, :func:`fit` redoes the layout of each changed logical
line in the few shapes ``ruff format`` has one answer for:

* a line longer than 88 characters is split at its last bracket pair (a
  ``def``: at its parameters), the contents on one indented line if they fit,
  else one item a line with a trailing comma; an assignment of an
  unparenthesized tuple gets parentheses and one item a line; so is a call
  that is one item of a bracket split one item a line (``f(x),  # comment``);
* a statement split as ``head(`` / contents / ``)tail`` whose contents have no
  trailing comma is joined when it fits on one line; so is any statement split
  over lines with no trailing comma before a closing bracket and no
  parentheses but calls', which is otherwise split as above;
* the items between a line-ending bracket and the line starting with its
  closing bracket are re-indented one level deeper than the statement.

Anything else (comments, strings spanning lines, other shapes) keeps its
layout.  A file "looks formatted at 88 columns" when none of its lines is
longer, except where a string runs past the limit or a comment does after
code without brackets (ruff cannot split those).  Lines the rewrite did not
change are never touched.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import Counter
from typing import List, Optional, Sequence, Tuple

LINE_LENGTH = 88

_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_STRINGISH = {tokenize.STRING, tokenize.COMMENT}
for _name in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END"):
    if hasattr(tokenize, _name):
        _STRINGISH.add(getattr(tokenize, _name))


def _tokens(text: str) -> Optional[List[tokenize.TokenInfo]]:
    try:
        return list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None


def formatted_at_default_width(text: str, tokens: Optional[Sequence[tokenize.TokenInfo]] = None) -> bool:
    """No line of ``text`` is longer than 88 characters but where a string or comment runs past it."""
    lines = text.splitlines()
    long_lines = {number for number, line in enumerate(lines, 1) if len(line) > LINE_LENGTH}
    if not long_lines:
        return True
    tokens = _tokens(text) if tokens is None else tokens
    if tokens is None:
        return False
    excused = set()
    for token in tokens:
        if token.type == tokenize.COMMENT:
            # ruff splits the code before a comment that ends past the limit, if it has brackets
            code = lines[token.start[0] - 1][: token.start[1]]
            if token.start[0] in long_lines and not any(bracket in code for bracket in "([{"):
                excused.add(token.start[0])
        elif token.type in _STRINGISH:
            for number in range(token.start[0], token.end[0] + 1):
                if number in long_lines:
                    end = token.end[1] if number == token.end[0] else len(lines[number - 1])
                    if end > LINE_LENGTH:
                        excused.add(number)
    return long_lines <= excused


def _logical_lines(tokens: Sequence[tokenize.TokenInfo]) -> List[Tuple[int, int, bool, bool]]:
    """(first line, last line, has a comment, has a token spanning lines (a string across
    lines)) of each logical line."""
    result = []
    start: Optional[int] = None
    comment = spanning = False
    for token in tokens:
        if token.type in (tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER):
            continue
        if token.type == tokenize.COMMENT and start is None:
            continue  # a comment on a line of its own
        if start is None:
            start, comment, spanning = token.start[0], False, False
        comment = comment or token.type == tokenize.COMMENT
        spanning = spanning or token.start[0] != token.end[0]
        if token.type == tokenize.NEWLINE:
            result.append((start, token.start[0], comment, spanning))
            start = None
    return result


def _pairs(line: str) -> Optional[List[Tuple[int, int, int]]]:
    """(open index, close index, depth) of the brackets on one complete line of code."""
    tokens = _tokens(line.strip() + "\n")
    if tokens is None:
        return None
    offset = len(line) - len(line.lstrip())
    stack: List[Tuple[str, int]] = []
    pairs = []
    for token in tokens:
        if token.type != tokenize.OP:
            continue
        column = token.start[1] + offset
        if token.string in _OPEN:
            stack.append((token.string, column))
        elif token.string in _CLOSE:
            if not stack or stack[-1][0] != _CLOSE[token.string]:
                return None
            _, opened = stack.pop()
            pairs.append((opened, column, len(stack)))
    return None if stack else pairs


def _top_level_split(text: str, separator: str = ",") -> Optional[List[str]]:
    """``text`` split at its top-level ``separator`` (outside brackets and strings), stripped."""
    tokens = _tokens(text.strip() + "\n")
    if tokens is None:
        return None
    depth = 0
    cuts = []
    for token in tokens:
        if token.type == tokenize.OP:
            if token.string in _OPEN:
                depth += 1
            elif token.string in _CLOSE:
                depth -= 1
            elif token.string == separator and depth == 0:
                cuts.append(token.start[1])
    stripped = text.strip()
    parts, last = [], 0
    for cut in cuts:
        parts.append(stripped[last:cut].strip())
        last = cut + 1
    parts.append(stripped[last:].strip())
    return parts


def _fits(line: str) -> bool:
    return len(line) <= LINE_LENGTH


def _split_brackets(indent: str, head: str, body: str, tail: str) -> Optional[List[str]]:
    """``head(`` / body / ``)tail`` as ruff lays it out, or None."""
    inner = indent + "    "
    if not (_fits(head) and _fits(indent + tail)):
        return None
    body = body.strip()
    if not body:
        return None
    if not body.endswith(",") and _fits(inner + body):
        return [head, inner + body, indent + tail]
    items = _top_level_split(body)
    if items is None:
        return None
    items = [item for item in items if item]
    if len(items) < 2 and not body.endswith(","):
        return None  # one item too long for a line of its own: ruff would split it further
    lines = [inner + item + "," for item in items]
    if not all(_fits(line) for line in lines):
        return None
    return [head, *lines, indent + tail]


def _assignment_split(line: str) -> Optional[int]:
    """The index just after the top-level ``=`` of an assignment statement, if any."""
    tokens = _tokens(line.strip() + "\n")
    if tokens is None:
        return None
    offset = len(line) - len(line.lstrip())
    depth = 0
    for token in tokens:
        if token.type == tokenize.OP:
            if token.string in _OPEN:
                depth += 1
            elif token.string in _CLOSE:
                depth -= 1
            elif token.string == "=" and depth == 0:
                return token.end[1] + offset
    return None


def _split_line(line: str) -> Optional[List[str]]:
    """One too-long line (without its newline) laid out as ruff would, or None."""
    indent = line[: len(line) - len(line.lstrip())]
    code = line.strip()
    pairs = _pairs(line)
    if not pairs:
        return None
    if code.startswith(("def ", "async def ")):
        first = min((p for p in pairs if p[2] == 0), key=lambda p: p[0])
        opened, closed, _ = first
        params = line[opened + 1 : closed]
        if (_top_level_split(params) or []) == [params.strip()]:
            params += ","  # one parameter: ruff adds a trailing comma, so one a line
        return _split_brackets(indent, line[: opened + 1], params, line[closed:].strip())
    equals = _assignment_split(line)
    if equals is not None:
        value = line[equals:].strip()
        items = _top_level_split(value)
        if items is not None and len(items) > 1 and not value.startswith(("(", "[", "{")):
            lines = [indent + "    " + item + "," for item in items if item]
            if _fits(line[:equals] + " (") and all(_fits(x) for x in lines):
                return [line[:equals] + " (", *lines, indent + ")"]
            return None
    top = [p for p in pairs if p[2] == 0]
    opened, closed, _ = max(top, key=lambda p: p[1])
    tail = line[closed:].strip()
    if tail.rstrip(":").strip(")]}") != "" or closed - opened < 2 or not _is_call(line, opened):
        return None
    head = line[: opened + 1]
    # The head must be a keyword or target and one primary (``x = a.b(``, ``yield C(``, ``for i in f(``).
    before = head[len(indent) : -1]
    if equals is not None:
        before = line[equals : opened].strip()
    else:
        keywords = ("return ", "yield from ", "yield ", "raise ", "async for ", "for ", "async with ", "with ",
                    "if ", "elif ", "while ")
        for keyword in keywords:
            if before.startswith(keyword):
                before = before[len(keyword) :]
                if keyword.endswith("for "):
                    parts = before.split(" in ", 1)
                    if len(parts) != 2:
                        return None
                    before = parts[1]
                break
    if before.startswith("await "):
        before = before[len("await ") :]
    if any(ch in before for ch in " ,;=+-*/%<>|&^~@!") or before.startswith("lambda"):
        return None
    return _split_brackets(indent, head, line[opened + 1 : closed], tail)


def _is_call(line: str, opened: int) -> bool:
    """Whether the bracket at ``opened`` opens a call's arguments (or a ``def``'s parameters)."""
    return line[opened] == "(" and opened > 0 and (line[opened - 1].isidentifier() or line[opened - 1].isdigit()
                                                   or line[opened - 1] in ")]")


def _unclosed(code: str) -> int:
    """How many brackets ``code`` (the first line of a statement) leaves open."""
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(code.strip() + "\n").readline):
            if token.type == tokenize.OP:
                depth += (token.string in _OPEN) - (token.string in _CLOSE)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return depth


def _split_item(line: str) -> Optional[List[str]]:
    """One item of an exploded bracket, ``call(args),`` with maybe a comment after it, too long
    for its line: split at the call's brackets, the comma and comment after the closing one."""
    tokens = _tokens(line.strip() + "\n")
    if tokens is None:
        return None
    offset = len(line) - len(line.lstrip())
    comments = [token for token in tokens if token.type == tokenize.COMMENT]
    code = line[: comments[0].start[1] + offset].rstrip() if comments else line.rstrip()
    comment = "  " + comments[0].string if comments else ""
    if not code.endswith(",") or code.endswith(",,"):
        return None
    expression = code[:-1]
    indent = line[:offset]
    pairs = _pairs(expression)
    top = [p for p in pairs or [] if p[2] == 0]
    if not top:
        return None
    opened, closed, _ = max(top, key=lambda p: p[1])
    if closed != len(expression) - 1 or not _is_call(expression, opened):
        return None
    if any(ch in expression[offset:opened] for ch in " ,;=+-*/%<>|&^~@!:"):
        return None
    return _split_brackets(indent, expression[: opened + 1], expression[opened + 1 : closed], ")," + comment)


def _join_or_reindent(lines: List[str], first_comment: Optional[int] = None, join: bool = True) -> Optional[List[str]]:
    """A statement split at one bracket pair (``head(`` ... ``)tail``) joined if ruff would (and
    ``join``), or its items re-indented one level deeper than the statement; None when neither
    applies.  ``first_comment``: where a comment starts on the first line, if it has one."""
    first, last = lines[0], lines[-1]
    indent = first[: len(first) - len(first.lstrip())]
    first_code = first if first_comment is None else first[:first_comment]
    if not first_code.rstrip().endswith(tuple(_OPEN)) or not last.strip()[:1] in _CLOSE:
        return None
    body = lines[1:-1]
    if not body or any(not line.strip() for line in body) or _unclosed(first_code) != 1:
        return None
    if last.strip()[1:2] in _CLOSE:
        return None
    if join and len(body) == 1 and not body[0].rstrip().endswith(",") and _is_call(first.rstrip(), len(first.rstrip()) - 1):
        joined = first.rstrip() + body[0].strip() + last.strip()
        if _fits(indent + joined.strip()) and _pairs(joined) is not None:
            return [joined]
    body_indent = min(len(line) - len(line.lstrip()) for line in body)
    first_indent = len(body[0]) - len(body[0].lstrip())
    last_indent = len(last) - len(last.lstrip())
    want = len(indent) + 4
    if first_indent == want and last_indent == len(indent):
        return None
    if first_indent != body_indent:
        return None
    delta = want - first_indent
    moved = [" " * (len(line) - len(line.lstrip()) + delta) + line.lstrip() for line in body]
    if not all(_fits(line) for line in moved):
        return None
    return [first, *moved, indent + last.lstrip()]


def _reflow(lines: List[str]) -> Optional[List[str]]:
    """A statement split over several lines, without a trailing comma before a closing bracket
    and whose parentheses are all calls' (or a ``def``'s): on one line if it fits, else split as
    :func:`_split_line` splits it; None when neither applies."""
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip())]
    flat = indent + lines[0].strip()
    for line in lines[1:]:
        piece = line.strip()
        if flat[-1] in _OPEN or piece[:1] in _CLOSE or piece[:1] in ",:.":
            flat += piece
        else:
            flat += " " + piece
    pairs = _pairs(flat)
    if pairs is None or re.search(r",\s*[)\]}]", flat):
        return None
    if any(flat[opened] == "(" and not _is_call(flat, opened) for opened, _, _ in pairs):
        return None
    if _fits(flat):
        return [flat]
    return _split_line(flat)


def fit(before: str, after: str, original: Optional[str] = None) -> str:
    """``after`` with the logical lines it changed from ``before`` laid out as ``ruff format`` would
    (in the shapes listed in the module docstring), when ``original`` (the file as the user wrote
    it; default ``before``) looks formatted at 88 columns."""
    if before == after or "\t" in after or "\r" in after:
        return after
    if not formatted_at_default_width(before if original is None else original):
        return after
    tokens = _tokens(after)
    if tokens is None:
        return after
    old = Counter(before.splitlines())
    lines = after.splitlines()
    changed = set()
    for number, line in enumerate(lines, 1):
        if old[line] > 0:
            old[line] -= 1
        else:
            changed.add(number)
    if not changed:
        return after
    comment_at = {token.start[0]: token.start[1] for token in tokens if token.type == tokenize.COMMENT}
    replacements: List[Tuple[int, int, List[str]]] = []
    for first, last, comment, spanning in _logical_lines(tokens):
        if spanning or not any(first <= number <= last for number in changed):
            continue
        if comment:
            # An item line of a bracketed list (``call(...),  # comment``) inside the statement,
            # or the items of a statement split at one bracket pair, re-indented.
            items_split = False
            for number in range(first + 1, last):
                if number in changed and not _fits(lines[number - 1]):
                    items = _split_item(lines[number - 1])
                    if items is not None:
                        replacements.append((number, number, items))
                        items_split = True
            if not items_split and first != last:
                moved = _join_or_reindent(lines[first - 1 : last], comment_at.get(first), join=False)
                if moved is not None:
                    replacements.append((first, last, moved))
            continue
        span = lines[first - 1 : last]
        new: Optional[List[str]]
        if first == last:
            new = _split_line(span[0]) if not _fits(span[0]) else None
        else:
            new = _join_or_reindent(span)
            if new is not None and len(new) == 1 and not _fits(new[0]):
                new = None
            if new is None:
                new = _reflow(span)
        if new is not None and new != span:
            replacements.append((first, last, new))
    if not replacements:
        return after
    for first, last, new in reversed(replacements):
        lines[first - 1 : last] = new
    result = "\n".join(lines) + ("\n" if after.endswith("\n") else "")
    try:  # only the layout may change
        same = ast.dump(ast.parse(result)) == ast.dump(ast.parse(after))
    except (SyntaxError, ValueError):
        return after
    return result if same else after
