"""Building ``asyncio.TaskGroup`` code: the one owner of that concept.

AGM005 (``gather``), AGM006 (thread pools) and the twin generator
(:mod:`codemods.twins`, ``_BlockingTaskGroup`` -> ``asyncio.TaskGroup``) all
produce ``try: async with TaskGroup() as tg: ... except* Exception as group:
raise group.exceptions[0]``; :func:`first_error_unwrapped` builds the
``try``/``except*`` part for all of them.  Also here: how generated code spells
``asyncio`` in a module, collision-free local names, and the comment helpers
the rewrites use to keep comments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Sequence, Set

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import QualifiedNameProvider

from codemods.patterns import ModuleImports

if TYPE_CHECKING:
    from codemods.rule import Rule

def asyncio_name(rule: "Rule") -> str:
    """How generated code spells ``asyncio`` in ``rule``'s module (``rule._asyncio``),
    importing it when the module does not."""
    current = getattr(rule, "_asyncio", None)
    if current is None:
        AddImportsVisitor.add_needed_import(rule.context, "asyncio")
        current = "asyncio"
        setattr(rule, "_asyncio", current)
    return current


def asyncio_alias(module: cst.Module) -> Optional[str]:
    """The name a module-level ``import asyncio [as alias]`` binds, if any."""
    return ModuleImports(module).asyncio_module_name


def names_in(node: cst.CSTNode) -> Set[str]:
    """Every identifier spelled anywhere in ``node`` (a superset of its bound names)."""
    return {name.value for name in m.findall(node, m.Name()) if isinstance(name, cst.Name)}


def unique_name(base: str, taken: Set[str], *, numbered: bool = True) -> str:
    """``base`` or, if taken, ``base_1``, ``base_2``... (``numbered``) or ``base2``, ``base3``...

    The chosen name is added to ``taken``.
    """
    candidate, index = base, (1 if numbered else 2)
    while candidate in taken:
        candidate = f"{base}_{index}" if numbered else f"{base}{index}"
        index += 1
    taken.add(candidate)
    return candidate


def call_qualified_names(rule: "Rule", call: cst.Call) -> Set[str]:
    """The qualified names of what ``call`` calls (empty when the rule resolved none)."""
    try:
        return {q.name for q in rule.get_metadata(QualifiedNameProvider, call.func, set())}
    except KeyError:
        return set()


def task_group_try(
    asyncio_name: str,
    tg: str,
    group: str,
    body: Sequence[cst.BaseStatement],
    *,
    leading_lines: Sequence[cst.EmptyLine] = (),
    footer: Sequence[cst.EmptyLine] = (),
    header: Optional[cst.TrailingWhitespace] = None,
) -> cst.TryStar:
    """``try: async with <asyncio>.TaskGroup() as <tg>: <body>`` + ``except*`` unwrapping.

    The ``except*`` clause re-raises the first failure as is, so handlers
    around it (``except SomeError``) see what ``gather``/``future.result()``
    raised before.
    """
    with_stmt = cst.parse_statement(f"async with {asyncio_name}.TaskGroup() as {tg}:\n    pass\n")
    assert isinstance(with_stmt, cst.With) and isinstance(with_stmt.body, cst.IndentedBlock)
    block = with_stmt.body.with_changes(body=list(body), footer=list(footer))
    if header is not None:
        block = block.with_changes(header=header)
    return first_error_unwrapped(with_stmt.with_changes(body=block), leading_lines, group)


def comment_line(comment: cst.Comment) -> cst.EmptyLine:
    return cst.EmptyLine(indent=True, whitespace=cst.SimpleWhitespace(""), comment=comment)


def comments_in(node: Optional[cst.CSTNode]) -> List[cst.Comment]:
    if node is None:
        return []
    return [c for c in m.findall(node, m.Comment()) if isinstance(c, cst.Comment)]


def first_error_unwrapped(block: cst.BaseCompoundStatement, leading_lines: Sequence[cst.EmptyLine] = (),
                          group: str = "group") -> cst.TryStar:
    """``try: <block> except* Exception as <group>: raise <group>.exceptions[0]``.

    A TaskGroup raises an ExceptionGroup; re-raising its first member keeps
    the exception callers saw from gather/futures (``return`` is not allowed
    inside ``except*``; ``raise`` is).
    """
    name = cst.Name(group)
    first_error = cst.Subscript(
        value=cst.Attribute(value=name, attr=cst.Name("exceptions")),
        slice=[cst.SubscriptElement(slice=cst.Index(value=cst.Integer("0")))],
    )
    handler = cst.ExceptStarHandler(
        type=cst.Name("Exception"),
        name=cst.AsName(name=name),
        body=cst.IndentedBlock(body=[cst.SimpleStatementLine(body=[cst.Raise(exc=first_error)])]),
    )
    return cst.TryStar(body=cst.IndentedBlock(body=[block]), handlers=[handler], leading_lines=list(leading_lines))
