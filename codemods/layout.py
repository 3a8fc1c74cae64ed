"""Layout repairs LibCST's import helpers leave undone.

:func:`tidy_added_imports` puts added imports where isort would.

``RemoveImportsVisitor`` drops a whole import line together with the blank
lines and comments above it, so removing the first import after a module
docstring glues the next import to the docstring.  :func:`keep_leading_lines`
hands the leading lines of every removed top-level statement to the statement
that follows it.
"""

from __future__ import annotations

import difflib
import sys
from typing import Callable, List, Optional, Sequence

import libcst as cst
from libcst.helpers import get_full_name_for_node


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


def _is_stdlib_import(statement: cst.BaseStatement) -> bool:
    module = _imported_module(statement)
    # ``from __future__ import ...`` must stay first: it is not part of the stdlib block.
    return module is not None and module != "__future__" and module.split(".")[0] in sys.stdlib_module_names


def _imported_module(statement: cst.BaseStatement) -> Optional[str]:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Import) and len(small.names) == 1:
        return get_full_name_for_node(small.names[0].name)
    if isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
        return get_full_name_for_node(small.module)
    return None


def _import_names(statement: cst.BaseStatement) -> Optional[List[str]]:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
        return [cst.Module(body=[]).code_for_node(alias.name) for alias in small.names]
    return None


def _sort_key_of(names: List[str]) -> Optional[Callable[[str], str]]:
    for key in (lambda name: name, str.lower):
        if names == sorted(names, key=key):
            return key
    return None


def tidy_added_imports(before: cst.Module, after: cst.Module) -> cst.Module:
    """Put what ``AddImportsVisitor`` added where a person (or isort) would.

    * names merged into an existing ``from x import a, b`` keep the list's
      sorted order, if it was sorted;
    * a new top-level ``import x`` of a standard-library module goes into the
      module's standard-library import block at its alphabetical place,
      instead of after the last import.
    """
    old_codes = {before.code_for_node(statement) for statement in before.body}
    body = list(after.body)
    old_by_module = {}
    for statement in before.body:
        module = _imported_module(statement)
        if module is not None and _import_names(statement) is not None:
            old_by_module[module] = statement
    for index, statement in enumerate(body):
        if after.code_for_node(statement) in old_codes:
            continue
        module = _imported_module(statement)
        names = _import_names(statement)
        original = old_by_module.get(module) if module else None
        if names is None or original is None:
            continue
        sort_key = _sort_key_of(_import_names(original) or [])
        if sort_key is None:
            continue
        key: Callable[[str], str] = sort_key
        assert isinstance(statement, cst.SimpleStatementLine)
        small = statement.body[0]
        assert isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar)
        aliases = sorted(small.names, key=lambda alias: key(cst.Module(body=[]).code_for_node(alias.name)))
        last_comma = small.names[-1].comma
        commas = [alias.comma for alias in small.names]
        aliases = [
            alias.with_changes(comma=commas[i] if i < len(aliases) - 1 else last_comma)
            for i, alias in enumerate(aliases)
        ]
        # the separator of a former last name may be a sentinel: give it a plain ", "
        aliases = [
            a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            if i < len(aliases) - 1 and not isinstance(a.comma, cst.Comma)
            else a
            for i, a in enumerate(aliases)
        ]
        body[index] = statement.with_changes(body=[small.with_changes(names=aliases)])

    added = [
        i
        for i, statement in enumerate(body)
        if after.code_for_node(statement) not in old_codes
        and isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Import)
        and _is_stdlib_import(statement)
    ]
    for index in reversed(added):
        statement = body.pop(index)
        assert isinstance(statement, cst.SimpleStatementLine)
        module = _imported_module(statement) or ""
        block = [i for i, s in enumerate(body) if _is_stdlib_import(s)]
        if not block:
            body.insert(index, statement)
            continue
        position = block[-1] + 1
        for i in block:
            other = body[i]
            assert isinstance(other, cst.SimpleStatementLine)
            if isinstance(other.body[0], cst.ImportFrom) or (_imported_module(other) or "") > module:
                position = i
                break
        if position == block[0]:
            first = body[position]
            statement = statement.with_changes(leading_lines=first.leading_lines)
            body[position] = first.with_changes(leading_lines=[])
        else:
            statement = statement.with_changes(leading_lines=[])
        body.insert(position, statement)
    return after.with_changes(body=body)
