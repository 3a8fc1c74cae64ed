"""Layout repairs LibCST's import helpers leave undone.

``RemoveImportsVisitor`` drops a whole import line together with the blank
lines and comments above it, so removing the first import after a module
docstring glues the next import to the docstring.  :func:`keep_leading_lines`
hands the leading lines of every removed top-level statement to the statement
that follows it.
"""

from __future__ import annotations

import difflib
from typing import List, Optional, Sequence

import libcst as cst


def _leading_blanks(lines: Sequence[cst.EmptyLine]) -> int:
    count = 0
    for line in lines:
        if line.comment is not None:
            break
        count += 1
    return count


def _merge(removed: Sequence[cst.EmptyLine], kept: Sequence[cst.EmptyLine], first: bool) -> List[cst.EmptyLine]:
    blanks = 0 if first else max(_leading_blanks(removed), _leading_blanks(kept))
    rest = [*removed[_leading_blanks(removed):], *kept[_leading_blanks(kept):]]
    return [cst.EmptyLine()] * blanks + rest


def keep_leading_lines(before: cst.Module, after: cst.Module) -> cst.Module:
    """Return ``after`` with removed statements' leading lines kept (top level)."""
    if len(after.body) >= len(before.body):
        return after
    old = [before.code_for_node(statement) for statement in before.body]
    new = [after.code_for_node(statement) for statement in after.body]
    body = list(after.body)
    pending: Optional[List[cst.EmptyLine]] = None  # leading lines of removed statements
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        kept = j2 - j1
        removed = [] if tag == "equal" else list(before.body[i1 + kept : i2])
        if pending is not None and kept and j1 < len(body):
            statement = body[j1]
            if isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                merged = _merge(pending, statement.leading_lines, first=j1 == 0)
                body[j1] = statement.with_changes(leading_lines=merged)
            pending = None
        for statement in removed:
            if isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                lines = statement.leading_lines
                pending = list(lines) if pending is None else _merge(pending, lines, first=False)
    return after.with_changes(body=body)
