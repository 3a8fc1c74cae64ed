"""CST patterns several rules recognise: the collect helper, agent calls, ...

Kept in one place so that, e.g., AGM002 (rewrite the bridge) and AGM003
(remove the helper) agree on what "the collect helper" is.
"""

from __future__ import annotations

from typing import Collection, Iterable, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst
import libcst.matchers as m

from codemods.prefilter import COLLECT_HELPER_NAMES

WORKFLOW_QUALIFIED_NAMES = frozenset({"agno.workflow.Workflow", "agno.workflow.workflow.Workflow"})

FunctionNode = cst.FunctionDef


def docstring_free_body(function: cst.FunctionDef) -> Sequence[cst.BaseStatement]:
    body = function.body
    if not isinstance(body, cst.IndentedBlock):
        return ()
    statements = list(body.body)
    if statements and m.matches(
        statements[0], m.SimpleStatementLine(body=[m.Expr(value=m.SimpleString() | m.ConcatenatedString())])
    ):
        statements = statements[1:]
    return statements


def is_collect_helper(function: cst.FunctionDef) -> bool:
    """An ``async def`` that only drains an async iterable into a list.

    Matches the well-known name ``_collect_async_responses`` and, structurally,
    any async function whose body is ``x = []; async for y in param:
    x.append(y); return x`` or ``return [y async for y in param]``.
    """
    if function.asynchronous is None:
        return False
    if function.name.value in COLLECT_HELPER_NAMES:
        return True
    params = [p.name.value for p in function.params.params if p.name.value not in ("self", "cls")]
    if len(params) != 1:
        return False
    source = params[0]
    statements = docstring_free_body(function)
    if len(statements) == 1:
        return m.matches(
            statements[0],
            m.SimpleStatementLine(
                body=[
                    m.Return(
                        value=m.ListComp(
                            for_in=m.CompFor(asynchronous=m.Asynchronous(), iter=m.Name(source), ifs=[])
                        )
                    )
                ]
            ),
        )
    if len(statements) != 3:
        return False
    first, loop, last = statements
    target = _list_init_target(first)
    if target is None or not isinstance(loop, cst.For) or loop.asynchronous is None:
        return False
    if not m.matches(loop.iter, m.Name(source)) or loop.orelse is not None:
        return False
    loop_var = loop.target
    append = m.SimpleStatementLine(
        body=[
            m.Expr(
                value=m.Call(
                    func=m.Attribute(value=m.Name(target), attr=m.Name("append")),
                    args=[m.Arg(value=m.Name(loop_var.value) if isinstance(loop_var, cst.Name) else m.DoNotCare())],
                )
            )
        ]
    )
    body = loop.body
    if not isinstance(body, cst.IndentedBlock) or len(body.body) != 1 or not m.matches(body.body[0], append):
        return False
    return m.matches(last, m.SimpleStatementLine(body=[m.Return(value=m.Name(target))]))


def _list_init_target(statement: cst.BaseStatement) -> Optional[str]:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    empty_list = m.List(elements=[]) | m.Call(func=m.Name("list"), args=[])
    if m.matches(small, m.Assign(targets=[m.AssignTarget(target=m.Name())], value=empty_list)):
        assert isinstance(small, cst.Assign)
        target = small.targets[0].target
        assert isinstance(target, cst.Name)
        return target.value
    if m.matches(small, m.AnnAssign(target=m.Name(), value=empty_list)):
        assert isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name)
        return small.target.value
    return None


def self_method_call(node: cst.CSTNode) -> Optional[str]:
    """``self.<name>(...)`` -> ``name``."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        receiver = node.func.value
        if isinstance(receiver, cst.Name) and receiver.value == "self":
            return node.func.attr.value
    return None


def agent_call_kind(node: cst.CSTNode, methods: Collection[str]) -> Optional[str]:
    """``self.<attr>.run(...)``/``.arun(...)`` on an attribute that is not a method.

    Returns ``"run"`` or ``"arun"``.  Agents, teams and workflows of agno all
    have this pair; other receivers are not assumed to.
    """
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
        return None
    kind = node.func.attr.value
    if kind not in ("run", "arun"):
        return None
    receiver = node.func.value
    if (
        isinstance(receiver, cst.Attribute)
        and isinstance(receiver.value, cst.Name)
        and receiver.value.value == "self"
        and receiver.attr.value not in methods
    ):
        return kind
    return None


def keyword(call: cst.Call, name: str) -> Optional[cst.Arg]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def has_star_args(call: cst.Call) -> bool:
    return any(arg.star for arg in call.args)


def with_keyword(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """``call`` with ``name=value`` appended unless ``name`` may already be passed.

    Keeps the call's layout: a multi-line call with a trailing comma gets the
    new argument on its own line, with a trailing comma.
    """
    if keyword(call, name) is not None or has_star_args(call):
        return call
    equal = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
    new_arg = cst.Arg(keyword=cst.Name(name), value=value, equal=equal)
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new_arg])
    last_comma = args[-1].comma
    if isinstance(last_comma, cst.Comma):
        # f(a, b,) or the multi-line form: the new argument takes the last
        # comma (and what follows it); the previous last one gets the comma
        # layout that separates arguments.
        separator = args[-2].comma if len(args) > 1 else cst.Comma(whitespace_after=call.whitespace_before_args)
        args[-1] = args[-1].with_changes(comma=separator)
        new_arg = new_arg.with_changes(comma=last_comma)
    else:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    args.append(new_arg)
    return call.with_changes(args=args)


def rename_call(call: cst.Call, attr: str) -> cst.Call:
    assert isinstance(call.func, cst.Attribute)
    return call.with_changes(func=call.func.with_changes(attr=cst.Name(attr)))


def bool_literal(value: bool) -> cst.Name:
    return cst.Name("True" if value else "False")


def class_method_names(classdef: cst.ClassDef) -> Set[str]:
    names: Set[str] = set()
    body = classdef.body
    if isinstance(body, cst.IndentedBlock):
        for statement in body.body:
            if isinstance(statement, cst.FunctionDef):
                names.add(statement.name.value)
    return names


def dotted_name(node: Union[cst.BaseExpression, cst.CSTNode]) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        inner = dotted_name(node.value)
        return f"{inner}.{node.attr.value}" if inner else None
    return None


def iter_functions(body: Iterable[cst.CSTNode]) -> Iterable[cst.FunctionDef]:
    for statement in body:
        if isinstance(statement, cst.FunctionDef):
            yield statement


class ModuleImports:
    """How a module spells ``asyncio`` and ``asyncio.run`` (from its imports).

    A syntactic view, enough for rules that must match calls in freshly built
    nodes where LibCST's metadata is not available.
    """

    def __init__(self, module: cst.Module) -> None:
        self.asyncio_modules: Set[str] = set()
        self.asyncio_names: dict = {}  # local name -> asyncio attribute ("run", "gather", ...)
        for source, name, alias in top_level_imports(module):
            if source == "asyncio" and name is None:
                self.asyncio_modules.add(alias or source)
            elif source == "asyncio" and name is not None:
                self.asyncio_names[alias or name] = name

    def is_asyncio(self, func: cst.BaseExpression, attribute: str) -> bool:
        """Whether ``func`` spells ``asyncio.<attribute>`` in this module."""
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            return func.value.value in self.asyncio_modules and func.attr.value == attribute
        if isinstance(func, cst.Name):
            return self.asyncio_names.get(func.value) == attribute
        return False

    @property
    def asyncio_module_name(self) -> Optional[str]:
        return min(self.asyncio_modules) if self.asyncio_modules else None


def names_in(node: cst.CSTNode) -> Set[str]:
    """Every identifier used anywhere in ``node``."""
    found: Set[str] = set()

    class _Collector(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.add(name.value)

    node.visit(_Collector())
    return found


def names_outside_imports(module: cst.Module) -> Set[str]:
    """The identifiers the module may use to refer to something it imports.

    Every name outside import statements, except those that never refer to a
    binding: the names a ``def``/``class``/parameter defines, attribute names
    after a dot and keyword-argument names.  Assignment targets are kept (an
    over-approximation: syntactically, a name that is bound is also "used").
    """
    found: Set[str] = set()
    defined: Set[int] = set()  # ids of Name nodes that are not references

    class _Collector(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> bool:
            return False

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            return False

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            defined.add(id(node.name))

        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            defined.add(id(node.name))

        def visit_Param(self, node: cst.Param) -> None:
            defined.add(id(node.name))

        def visit_Attribute(self, node: cst.Attribute) -> None:
            defined.add(id(node.attr))

        def visit_Arg(self, node: cst.Arg) -> None:
            if node.keyword is not None:
                defined.add(id(node.keyword))

        def visit_Name(self, name: cst.Name) -> None:
            if id(name) not in defined:
                found.add(name.value)

    module.visit(_Collector())
    return found


def top_level_imports(module: cst.Module) -> List[Tuple[str, Optional[str], Optional[str]]]:
    """``(module, name or None, alias or None)`` for each absolute import at the module's
    top level, in order (``import m [as a]`` gives a None name; ``*`` imports are left out)."""
    found: List[Tuple[str, Optional[str], Optional[str]]] = []
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    found.append((dotted_name(alias.name) or "", None, _alias_name(alias)))
            elif isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None:
                if isinstance(small.names, cst.ImportStar):
                    continue
                source = dotted_name(small.module) or ""
                for alias in small.names:
                    found.append((source, dotted_name(alias.name), _alias_name(alias)))
    return found


def _alias_name(alias: cst.ImportAlias) -> Optional[str]:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return None


def count_name(node: cst.CSTNode, name: str) -> int:
    count = 0

    class _Counter(cst.CSTVisitor):
        def visit_Name(self, found: cst.Name) -> None:
            nonlocal count
            if found.value == name:
                count += 1

    node.visit(_Counter())
    return count


def workflow_class_names(module: cst.Module) -> Set[str]:
    """Names of the module's classes deriving from agno's ``Workflow``.

    Syntactic, so it is cheap: bases spelled through the module's imports of
    ``agno.workflow`` / ``agno.workflow.workflow`` (any alias), and classes
    deriving from such classes in the same module.
    """
    class_names: Set[str] = set()  # local names bound to Workflow
    module_names: Set[str] = set()  # local dotted names bound to the agno.workflow modules
    for source, name, alias in top_level_imports(module):
        if source in ("agno.workflow", "agno.workflow.workflow"):
            if name == "Workflow":
                class_names.add(alias or name)
            elif name is None:
                module_names.add(alias or source)
        elif source == "agno" and name == "workflow":
            module_names.add(alias or name)
    workflow_bases = set(class_names) | {f"{name}.Workflow" for name in module_names}
    found: Set[str] = set()

    class _Finder(cst.CSTVisitor):
        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            for base in node.bases:
                if dotted_name(base.value) in workflow_bases | found:
                    found.add(node.name.value)

    module.visit(_Finder())
    return found


def workflow_code(module: cst.Module) -> Set[int]:
    """``id()`` of the functions that are workflow code: the methods of the module's
    ``Workflow`` subclasses and the module-level functions they call by name
    (transitively).  Nested functions count through their outermost function.
    """
    classes = workflow_class_names(module)
    functions = {f.name.value: f for f in iter_functions(module.body)}
    scope: List[cst.FunctionDef] = []
    for statement in module.body:
        if isinstance(statement, cst.ClassDef) and statement.name.value in classes:
            body = statement.body.body if isinstance(statement.body, cst.IndentedBlock) else ()
            scope += list(iter_functions(body))
    pending = list(scope)
    while pending:
        called: Set[str] = set()

        class _Calls(cst.CSTVisitor):
            def visit_Call(self, node: cst.Call) -> None:
                if isinstance(node.func, cst.Name):
                    called.add(node.func.value)

        pending.pop().visit(_Calls())
        for name in called:
            function = functions.get(name)
            if function is not None and all(function is not f for f in scope):
                scope.append(function)
                pending.append(function)
    return {id(f) for f in scope}
