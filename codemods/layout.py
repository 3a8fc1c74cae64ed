"""Layout repairs LibCST's import helpers leave undone.

:func:`tidy_added_imports` puts added imports where ruff's isort would.

``RemoveImportsVisitor`` drops a whole import line together with the blank
lines and comments above it, so removing the first import after a module
docstring glues the next import to the docstring.  :func:`keep_leading_lines`
hands the leading lines of every removed top-level statement to the statement
that follows it.
"""

from __future__ import annotations

import difflib
import sys
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import libcst as cst
import libcst.matchers as m
from libcst.helpers import get_full_name_for_node

from codemods import linefit


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


LINE_LENGTH = linefit.LINE_LENGTH


def isort_member_key(name: str) -> Tuple[int, str, str]:
    """How ruff's isort orders the names of a ``from`` import (``order-by-type``):
    CONSTANTS, then Classes, then the rest, each case-insensitively."""
    bare = name.split(" as ")[0]
    if len(bare) > 1 and bare.isupper():
        kind = 0
    elif bare[:1].isupper():
        kind = 1
    else:
        kind = 2
    return (kind, name.lower(), name)


def _sort_key_of(names: List[str]) -> Optional[Callable[[str], Any]]:
    for key in (isort_member_key, lambda name: name, str.lower):
        if names == sorted(names, key=key):
            return key
    return None


def _statement_key(statement: cst.BaseStatement) -> Tuple[int, str, str]:
    """isort's order inside a section: ``import x`` lines first, then ``from x import``, by module."""
    module = _imported_module(statement) or ""
    assert isinstance(statement, cst.SimpleStatementLine)
    return (0 if isinstance(statement.body[0], cst.Import) else 1, module.lower(), module)


def _has_comment(node: cst.CSTNode) -> bool:
    return bool(m.findall(node, m.Comment()))


def _is_exploded(small: cst.ImportFrom) -> bool:
    """``from x import (\n    a,\n    b,\n)``: one name a line."""
    return small.lpar is not None and isinstance(small.lpar.whitespace_after, cst.ParenthesizedWhitespace)


def _laid_out(statement: cst.SimpleStatementLine, exploded: bool, wrap: bool = True) -> cst.SimpleStatementLine:
    """``statement`` (one ``from`` import) on one line if that fits (or not ``wrap``) and it was
    not one name a line, else one name a line with a trailing comma (as ruff's isort writes it)."""
    small = statement.body[0]
    assert isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar)
    empty = cst.Module(body=[])
    module = "." * len(small.relative) + (empty.code_for_node(small.module) if small.module else "")
    names = [empty.code_for_node(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for alias in small.names]
    flat = f"from {module} import {', '.join(names)}"
    if not exploded and (len(flat) <= LINE_LENGTH or not wrap):
        code = flat + "\n"
    else:
        code = f"from {module} import (\n" + "".join(f"    {name},\n" for name in names) + ")\n"
    parsed = cst.parse_statement(code)
    assert isinstance(parsed, cst.SimpleStatementLine)
    return parsed.with_changes(leading_lines=statement.leading_lines, trailing_whitespace=statement.trailing_whitespace)


def _merge_names(
    statement: cst.SimpleStatementLine, original: cst.SimpleStatementLine, wrap: Callable[[], bool]
) -> cst.SimpleStatementLine:
    """The names LibCST merged into ``original`` put in order (if the list was sorted), laid out as isort would."""
    small = statement.body[0]
    assert isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar)
    old_small = original.body[0]
    assert isinstance(old_small, cst.ImportFrom)
    sort_key = _sort_key_of(_import_names(original) or [])
    aliases = list(small.names)
    if sort_key is not None:
        key: Callable[[str], Any] = sort_key
        aliases = sorted(aliases, key=lambda alias: key(cst.Module(body=[]).code_for_node(alias.name)))
    if _has_comment(small):
        # A comment inside the import: keep LibCST's layout, only the order changes.
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
        return statement.with_changes(body=[small.with_changes(names=aliases)])
    return _laid_out(statement.with_changes(body=[small.with_changes(names=aliases)]), _is_exploded(old_small), wrap())


def _split_from_aliased(
    statement: cst.SimpleStatementLine, original: cst.SimpleStatementLine, wrap: Callable[[], bool]
) -> Optional[List[cst.BaseStatement]]:
    """Names LibCST merged into ``from x import a as b``, as their own ``from x import ...`` just
    before it, as ruff's isort writes them (an aliased import stays on a line of its own); None when
    ``original`` has no alias."""
    small = statement.body[0]
    old_small = original.body[0]
    assert isinstance(small, cst.ImportFrom) and isinstance(old_small, cst.ImportFrom)
    assert not isinstance(small.names, cst.ImportStar) and not isinstance(old_small.names, cst.ImportStar)
    if not any(alias.asname for alias in old_small.names) or _has_comment(small):
        return None
    empty = cst.Module(body=[])

    def code(alias: cst.ImportAlias) -> str:
        return empty.code_for_node(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))

    old_names = {code(alias) for alias in old_small.names}
    new = [alias for alias in small.names if code(alias) not in old_names]
    kept = [alias for alias in small.names if code(alias) in old_names]
    if not new or not kept or any(alias.asname for alias in new):
        return None
    new = sorted(new, key=lambda alias: isort_member_key(code(alias)))
    added = statement.with_changes(body=[small.with_changes(names=new)], trailing_whitespace=cst.TrailingWhitespace())
    rest = statement.with_changes(body=[small.with_changes(names=kept)], leading_lines=[])
    return [_laid_out(added, False, wrap()), _laid_out(rest, _is_exploded(old_small), wrap())]


def _blocks(body: Sequence[cst.BaseStatement], start: int, end: int) -> List[List[int]]:
    """The import blocks (runs not separated by a blank line) of ``body[start:end]``."""
    blocks: List[List[int]] = []
    for index in range(start, end):
        statement = body[index]
        assert isinstance(statement, cst.SimpleStatementLine)
        if not blocks or _leading_blanks(statement.leading_lines) or any(
            line.comment is not None for line in statement.leading_lines
        ):
            blocks.append([])
        blocks[-1].append(index)
    return blocks


def _section_of(statement: cst.BaseStatement) -> Optional[str]:
    """``"future"``, ``"stdlib"``, or the top-level package of a third-party/first-party import."""
    module = _imported_module(statement)
    if module is None:
        return None
    top = module.split(".")[0]
    if top == "__future__":
        return "future"
    return "stdlib" if top in sys.stdlib_module_names else top


def _place_added_import(body: List[cst.BaseStatement], statement: cst.SimpleStatementLine, start: int) -> None:
    """Insert ``statement`` (an import LibCST added) into the import block isort would put it in:
    at its sorted place if that block is sorted, else at the block's end.  A standard-library
    import with no standard-library block starts one after ``from __future__`` imports."""
    end = start
    while end < len(body) and _is_import_statement(body[end]):
        end += 1
    section = _section_of(statement)
    blocks = _blocks(body, start, end)
    target = next(
        (block for block in blocks if any(_section_of(body[i]) == section for i in block)
         and all(_section_of(body[i]) is not None for i in block)),
        None,
    )
    if target is None:
        if section != "stdlib":
            body.insert(end, statement)  # where LibCST put it: after the last import
            return
        after_future = [block for block in blocks if all(_section_of(body[i]) == "future" for i in block)]
        position = after_future[-1][-1] + 1 if after_future else start
        lead: List[cst.EmptyLine] = [cst.EmptyLine()] if position > 0 else []
        if position < end:
            follower = body[position]
            assert isinstance(follower, cst.SimpleStatementLine)
            if not after_future:
                lead = list(follower.leading_lines)
                follower = follower.with_changes(leading_lines=[cst.EmptyLine()])
            elif not _leading_blanks(follower.leading_lines):
                follower = follower.with_changes(leading_lines=[cst.EmptyLine(), *follower.leading_lines])
            body[position] = follower
        body.insert(position, statement.with_changes(leading_lines=lead))
        return
    keys = [_statement_key(body[i]) for i in target]
    if keys == sorted(keys):
        new_key = _statement_key(statement)
        position = next((i for i, key in zip(target, keys) if key > new_key), target[-1] + 1)
    else:
        position = target[-1] + 1
    if position == target[0]:
        first = body[position]
        assert isinstance(first, cst.SimpleStatementLine)
        statement = statement.with_changes(leading_lines=first.leading_lines)
        body[position] = first.with_changes(leading_lines=[])
    else:
        statement = statement.with_changes(leading_lines=[])
    body.insert(position, statement)


def _is_import_statement(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], (cst.Import, cst.ImportFrom))
    )


def _import_region_start(body: Sequence[cst.BaseStatement]) -> int:
    index = 0
    if body and m.matches(body[0], m.SimpleStatementLine(body=[m.Expr(m.SimpleString() | m.ConcatenatedString())])):
        index = 1
    return index


def tidy_added_imports(before: cst.Module, after: cst.Module) -> cst.Module:
    """Put what ``AddImportsVisitor`` added where ruff's isort (default settings) would.

    * names merged into an existing ``from x import a, b`` keep the list's
      sorted order, if it was sorted (isort's, case-sensitive or not), and the
      import is wrapped one name a line if it grows past 88 characters in a
      module formatted at 88 columns (:func:`codemods.linefit.formatted_at_default_width`);
    * a new top-level import goes into the import block of its kind (the
      standard library's, or the one already importing from the same
      package), at its sorted place if that block is sorted, else at its end;
      a standard-library import with no such block starts one.  The user's own
      imports are never reordered.
    """
    old_codes = {before.code_for_node(statement) for statement in before.body}
    body: List[cst.BaseStatement] = list(after.body)
    old_by_module = {}
    for statement in before.body:
        module = _imported_module(statement)
        if module is not None and _import_names(statement) is not None:
            old_by_module[module] = statement
    width: List[bool] = []

    def wrap() -> bool:
        """Whether to wrap a long import: the module looks formatted at 88 columns (see :mod:`codemods.linefit`)."""
        if not width:
            width.append(linefit.formatted_at_default_width(before.code))
        return width[0]

    added: List[cst.SimpleStatementLine] = []
    added_at = set()
    expanded: Dict[int, List[cst.BaseStatement]] = {}
    for index, statement in enumerate(body):
        if after.code_for_node(statement) in old_codes:
            continue
        module = _imported_module(statement)
        names = _import_names(statement)
        original = old_by_module.get(module) if module else None
        if names is not None and original is not None:
            assert isinstance(statement, cst.SimpleStatementLine) and isinstance(original, cst.SimpleStatementLine)
            split = _split_from_aliased(statement, original, wrap)
            if split is not None:
                expanded[index] = split
            else:
                body[index] = _merge_names(statement, original, wrap)
        elif (isinstance(statement, cst.SimpleStatementLine) and _is_import_statement(statement)
              and module is not None and not _has_comment(statement.body[0])):
            small = statement.body[0]
            if isinstance(small, cst.Import) and len(small.names) != 1:
                continue
            if isinstance(small, cst.ImportFrom):
                statement = _laid_out(statement, exploded=False, wrap=wrap())
            added.append(statement)
            added_at.add(index)
    body = [
        new
        for index, statement in enumerate(body)
        if index not in added_at
        for new in expanded.get(index, [statement])
    ]
    start = _import_region_start(body)
    for statement in added:
        _place_added_import(body, statement, start)
    return after.with_changes(body=body)


def split_aliased_imports(before: cst.Module, after: cst.Module) -> cst.Module:
    """A top-level ``from x import a, b as c`` a rewrite made (not in ``before``), written as
    ruff's isort writes it: the plain names in one import, each aliased name in its own
    after it (isort's ``combine-as-imports`` is off by default).  The statement's comment
    goes with the last of them; an import with comments between its names is left alone."""
    old_codes = {before.code_for_node(statement) for statement in before.body}
    body: List[cst.BaseStatement] = []
    changed = False
    empty = cst.Module(body=[])
    for statement in after.body:
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 else None
        if (
            not isinstance(small, cst.ImportFrom)
            or isinstance(small.names, cst.ImportStar)
            or len(small.names) < 2
            or not any(alias.asname for alias in small.names)
            or _has_comment(small)
            or after.code_for_node(statement) in old_codes
        ):
            body.append(statement)
            continue
        assert isinstance(statement, cst.SimpleStatementLine)
        plain = [alias for alias in small.names if not alias.asname]
        groups = ([plain] if plain else []) + [[alias] for alias in small.names if alias.asname]
        module = "." * len(small.relative) + (empty.code_for_node(small.module) if small.module else "")
        for index, group in enumerate(groups):
            names = ", ".join(empty.code_for_node(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for a in group)
            parsed = cst.parse_statement(f"from {module} import {names}\n")
            assert isinstance(parsed, cst.SimpleStatementLine)
            body.append(parsed.with_changes(
                leading_lines=statement.leading_lines if index == 0 else [],
                trailing_whitespace=statement.trailing_whitespace if index == len(groups) - 1
                else cst.TrailingWhitespace(),
            ))
        changed = True
    return after.with_changes(body=body) if changed else after
