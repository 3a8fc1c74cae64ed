"""CST patterns several rules recognise: the collect helper, agent calls, ...

Kept in one place so that, e.g., AGM002 (rewrite the bridge) and AGM003
(remove the helper) agree on what "the collect helper" is.
"""

from __future__ import annotations

from typing import Collection, Iterable, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst
import libcst.matchers as m


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

    Recognised by its body alone, whatever its name: ``x = []; async for y in
    param: x.append(y); return x`` or ``return [y async for y in param]``
    (a docstring allowed).  The well-known name ``_collect_async_responses``
    proves nothing: a helper of that name that also catches errors, filters
    its items or writes state is not one, and replacing its bridge with the
    sync twin would drop what it does.  (``codemods.prefilter`` accepts the
    name alone: its check is a superset of this one.)
    """
    if function.asynchronous is None:
        return False
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
        after = last_comma.whitespace_after
        between = separator.whitespace_after if isinstance(separator, cst.Comma) else None
        if (isinstance(after, cst.ParenthesizedWhitespace) and (after.first_line.comment or after.empty_lines)
                and isinstance(between, cst.ParenthesizedWhitespace)):
            # A comment after the last argument stays on that argument's line (and the
            # comment lines below it stay above the new argument).
            args[-1] = args[-1].with_changes(
                comma=last_comma.with_changes(
                    whitespace_after=after.with_changes(indent=between.indent, last_line=between.last_line)
                )
            )
            closing = after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
            new_arg = new_arg.with_changes(comma=last_comma.with_changes(whitespace_after=closing))
        else:
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


def import_bound_names(statement: Union[cst.Import, cst.ImportFrom]) -> Set[str]:
    """The local names an import binds (``import a.b`` binds ``a``; ``*`` imports bind none we can name)."""
    if isinstance(statement.names, cst.ImportStar):
        return set()
    bound: Set[str] = set()
    for alias in statement.names:
        local = alias.asname.name if alias.asname else alias.name
        spelled = dotted_name(local) if isinstance(local, (cst.Name, cst.Attribute)) else None
        if spelled:
            bound.add(spelled.split(".")[0])
    return bound


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


# -- writes another side can observe --------------------------------------------------
#: Methods that change the object they are called on (lists, dicts, sets, deques,
#: files, queues, events, context variables...).
MUTATING_METHODS = frozenset({
    "append", "extend", "insert", "remove", "pop", "popitem", "clear", "update", "setdefault", "add",
    "discard", "sort", "reverse", "appendleft", "extendleft", "popleft", "rotate", "write", "writelines",
    "put", "put_nowait", "set", "send", "__setitem__", "__delitem__", "__setattr__", "__delattr__",
    "difference_update", "intersection_update", "symmetric_difference_update", "truncate", "flush",
    # storage and memory verbs (agno's storage.upsert, memory.add_run, ...)
    "upsert", "save", "delete", "store", "add_run", "add_message", "add_messages", "write_to_storage",
    "update_session_state", "set_session_state", "record", "increment", "incr",
})
#: Calls whose result is a new object nobody else holds.
_FRESH_CALLS = frozenset({"list", "dict", "set", "tuple", "str", "int", "float", "bool", "bytes", "frozenset",
                          "sorted", "len", "range", "enumerate", "zip", "reversed"})
#: Builtins that do not change their arguments.
_READING_BUILTINS = _FRESH_CALLS | frozenset({
    "repr", "print", "isinstance", "issubclass", "getattr", "hasattr", "min", "max", "sum", "any", "all",
    "abs", "round", "id", "hash", "iter", "next", "format", "type", "callable", "map", "filter",
})
_FRESH_VALUES = (
    cst.List, cst.Dict, cst.Set, cst.Tuple, cst.ListComp, cst.DictComp, cst.SetComp, cst.GeneratorExp,
    cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer, cst.Float, cst.Imaginary,
)


def root_name(node: cst.BaseExpression) -> Optional[str]:
    """The name an attribute/subscript/call chain starts from: ``self.a["k"].b`` -> ``self``."""
    while True:
        if isinstance(node, cst.Name):
            return node.value
        if isinstance(node, (cst.Attribute, cst.Subscript)):
            node = node.value
        elif isinstance(node, cst.Call):
            node = node.func
        else:
            return None


def _is_self_chain(node: cst.BaseExpression) -> bool:
    """``self``, ``self.a``, ``self.a["k"].b``: an object the instance holds (no call in the chain)."""
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return isinstance(node, cst.Name) and node.value == "self"


def _is_fresh_value(value: cst.BaseExpression) -> bool:
    if isinstance(value, _FRESH_VALUES):
        return True
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
        name = value.func.value
        return name in _FRESH_CALLS or name[:1].isupper()  # a builtin or a class's constructor
    return False


def fresh_locals(function: cst.FunctionDef) -> Set[str]:
    """Names every assignment in ``function`` binds to a new object (a literal, a
    comprehension, a constructor call): objects no other code can hold unless the
    function hands them on.  Parameters, loop targets and names bound otherwise
    are not fresh."""
    fresh: Set[str] = set()
    spoiled: Set[str] = {p.name.value for p in _all_params(function.params)}

    class _Binder(cst.CSTVisitor):
        def _bind(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
            if isinstance(target, cst.Name):
                (fresh if value is not None and _is_fresh_value(value) else spoiled).add(target.value)
            elif isinstance(target, (cst.Tuple, cst.List)):
                for element in target.elements:
                    self._bind(element.value, None)
            elif isinstance(target, cst.StarredElement):
                self._bind(target.value, None)

        def visit_Assign(self, node: cst.Assign) -> None:
            for target in node.targets:
                self._bind(target.target, node.value)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            if node.value is not None:
                self._bind(node.target, node.value)

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            self._bind(node.target, None)

        def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
            self._bind(node.target, node.value)

        def visit_For(self, node: cst.For) -> None:
            self._bind(node.target, None)

        def visit_WithItem(self, node: cst.WithItem) -> None:
            if node.asname is not None:
                self._bind(node.asname.name, None)

        def visit_CompFor(self, node: cst.CompFor) -> None:
            self._bind(node.target, None)

        def visit_Global(self, node: cst.Global) -> None:
            spoiled.update(n.name.value for n in node.names)

        def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
            spoiled.update(n.name.value for n in node.names)

    function.body.visit(_Binder())
    return fresh - spoiled


def _all_params(params: cst.Parameters) -> List[cst.Param]:
    found = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            found.append(star)
    return found


def observable_write(
    node: cst.CSTNode,
    fresh: Collection[str],
    methods: "dict[str, cst.FunctionDef]",
    functions: "dict[str, cst.FunctionDef]",
    _seen: Optional[Set[int]] = None,
) -> Optional[str]:
    """The first write in ``node`` that code outside it may observe, described
    (``"self.session_state[...] = ..."``), or None when none is visible.

    A write is an assignment, augmented assignment or ``del`` of an attribute or
    item, or a call of a mutating method (``append``, ``update``, ...), on an
    object not in ``fresh`` (``self``, a parameter, a module global, a loop's
    item...), an assignment to a name declared ``global``/``nonlocal``, and
    ``setattr``/``delattr``.  Calls of the class's own methods (``self.m()``, in
    ``methods``) and of the module's functions (in ``functions``) are followed;
    a ``self.m()`` the class does not define counts as a write (it cannot be
    seen).  Calls on attributes (an agent's ``arun``) are not writes unless
    the method is a mutating one.
    """
    seen: Set[int] = set() if _seen is None else _seen
    found: List[str] = []
    declared: Set[str] = set()

    def spell(target: cst.CSTNode) -> str:
        text = cst.Module(body=[]).code_for_node(target)
        return text if len(text) <= 60 else text[:57] + "..."

    def shared(target: cst.BaseExpression) -> bool:
        root = root_name(target)
        return root is None or root not in fresh

    class _Finder(cst.CSTVisitor):
        def _store(self, target: cst.BaseExpression, what: str) -> None:
            if found:
                return
            if isinstance(target, (cst.Tuple, cst.List)):
                for element in target.elements:
                    self._store(element.value, what)
            elif isinstance(target, cst.StarredElement):
                self._store(target.value, what)
            elif isinstance(target, cst.Name):
                if target.value in declared:
                    found.append(f"{target.value} {what} (a global)")
            elif isinstance(target, (cst.Attribute, cst.Subscript)) and shared(target):
                found.append(f"{spell(target)} {what}")

        def visit_Global(self, node: cst.Global) -> None:
            declared.update(n.name.value for n in node.names)

        def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
            declared.update(n.name.value for n in node.names)

        def visit_Assign(self, node: cst.Assign) -> None:
            for target in node.targets:
                self._store(target.target, "= ...")

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            if node.value is not None:
                self._store(node.target, "= ...")

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            self._store(node.target, f"{node.operator.__class__.__name__.lower()} ...")

        def visit_Del(self, node: cst.Del) -> None:
            self._store(node.target, "deleted")

        def visit_Call(self, node: cst.Call) -> None:
            if found:
                return
            func = node.func
            if isinstance(func, cst.Name):
                if func.value in ("setattr", "delattr"):
                    if not node.args or shared(node.args[0].value):
                        found.append(f"{func.value}(...)")
                    return
                called = functions.get(func.value)
                if called is not None and id(called) not in seen:
                    seen.add(id(called))
                    inner = observable_write(called.body, fresh_locals(called), methods, functions, seen)
                    if inner:
                        found.append(f"{inner} (in {func.value}())")
                elif called is None and func.value not in _READING_BUILTINS and not func.value[:1].isupper():
                    # A function this module does not define, handed self or an object of self's:
                    # it may change it.
                    for arg in node.args:
                        if _is_self_chain(arg.value):
                            found.append(f"{spell(arg.value)} handed to {func.value}(), which may change it")
                            break
                return
            if not isinstance(func, cst.Attribute):
                return
            if isinstance(func.value, cst.Name) and func.value.value == "self":
                method = func.attr.value
                called = methods.get(method)
                if called is None:
                    found.append(f"self.{method}(), which this class does not define")
                elif id(called) not in seen:
                    seen.add(id(called))
                    inner = observable_write(called.body, fresh_locals(called), methods, functions, seen)
                    if inner:
                        found.append(f"{inner} (in self.{method}())")
                return
            if func.attr.value in MUTATING_METHODS and shared(func.value):
                found.append(f"{spell(func)}(...)")

    node.visit(_Finder())
    return found[0] if found else None


def function_observable_write(
    function: cst.FunctionDef, methods: "dict[str, cst.FunctionDef]", functions: "dict[str, cst.FunctionDef]"
) -> Optional[str]:
    """:func:`observable_write` of a whole function (its fresh locals are its own)."""
    return observable_write(function.body, fresh_locals(function), methods, functions, {id(function)})
