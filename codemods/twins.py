"""Turn a method into its sync or async twin (the transformers behind AGM007).

:class:`ToAsync` rewrites a sync method body into async code and
:class:`ToSync` does the reverse.  Both only touch the method's own body
(nested functions and lambdas are left as they are) and record in
``problems`` every construct they cannot convert with confidence; a caller
must not use a twin whose transformer reported a problem.

What maps to what (``A`` = agent-like receiver ``self.<attribute>``, see
:func:`codemods.patterns.agent_call_kind`):

=====================================  ==========================================
sync                                   async
=====================================  ==========================================
``A.run(x)``                           ``await A.arun(x, stream=False)``
``for r in A.run(x, stream=True)``     ``async for r in await A.arun(x, stream=True)``
``self.f(x)`` (f has a twin)           ``await self.af(x)``
``yield from self.g(x)`` (g a gen)     ``async for item in self.ag(x): yield item``
``time.sleep(t)``                      ``await asyncio.sleep(t)``
``asyncio.run(c)``                     ``await c``
``blocking(x)`` (configured)           ``await asyncio.to_thread(blocking, x)``
``with _BlockingTaskGroup() as tg``    ``async with asyncio.TaskGroup() as tg`` (first error unwrapped)
``_BlockingTaskGroup.run(c)``          ``await c`` (any other awaited call, e.g. an async-only tool)
``Iterator[T]`` / ``Generator[T,S,R]``  ``AsyncIterator[T]`` / ``AsyncGenerator[T,S]``
=====================================  ==========================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Collection, Dict, List, Mapping, Optional, Set, Tuple, Union

import libcst as cst

from codemods.boundary import BOUNDARY_CLASS
from codemods.names import ASYNC_TO_SYNC_TYPES, SYNC_TO_ASYNC_TYPES
from codemods.taskgroup import first_error_unwrapped
from codemods.verify import LOOP_METHODS
from codemods.patterns import ModuleImports, agent_call_kind, bool_literal, dotted_name, keyword, self_method_call, with_keyword


GENERATED_MARKER = "agno-migrate: generated from "
MANUAL_PRAGMA = "agno-migrate: manual"


def marker_of(function: cst.FunctionDef) -> Tuple[Optional[str], Optional[str]]:
    """``("generated", source)``, ``("manual", None)`` or ``(None, None)``."""
    for line in function.leading_lines:
        if line.comment is None:
            continue
        text = line.comment.value
        if GENERATED_MARKER in text:
            source = text.split(GENERATED_MARKER, 1)[1].split("(", 1)[0].strip()
            return "generated", source
        if MANUAL_PRAGMA in text:
            return "manual", None
    return None, None


#: The ``update_run_method`` override AGM008 adds (AGM007 tells it from one written by hand).
WRAP_OVERRIDE_SOURCE = '''
def update_run_method(self) -> None:
    """Have agno wrap run() too: agno 1.x wraps only arun() when both exist (added by agno-migrate)."""
    super().update_run_method()
    if self._subclass_run is not None and self._subclass_arun is not None:
        object.__setattr__(self, "run", self.run_workflow)
'''


def is_wrap_override(function: cst.FunctionDef) -> bool:
    """Whether ``function`` is AGM008's ``update_run_method`` override (as generated, any layout)."""
    import ast

    if function.name.value != "update_run_method":
        return False
    code = cst.Module(body=[]).code_for_node(function.with_changes(leading_lines=()))
    try:
        return ast.dump(ast.parse(code)) == ast.dump(ast.parse(WRAP_OVERRIDE_SOURCE.strip()))
    except SyntaxError:
        return False


def marker_lines(source: str) -> List[cst.EmptyLine]:
    comment = f"# {GENERATED_MARKER}{source}(); edit that method, not this one"
    return [cst.EmptyLine(indent=False), cst.EmptyLine(comment=cst.Comment(comment))]

DEFAULT_BLOCKING_CALLS = frozenset(
    {
        "requests.get",
        "requests.post",
        "requests.put",
        "requests.delete",
        "requests.request",
        "urllib.request.urlopen",
        "subprocess.run",
        "subprocess.check_output",
    }
)


@dataclass
class TwinContext:
    """What the transformers need to know about the class and module."""

    imports: ModuleImports
    methods: Collection[str]
    generator_methods: Collection[str]
    async_twins: Mapping[str, str] = field(default_factory=dict)  # sync name -> async name
    sync_twins: Mapping[str, str] = field(default_factory=dict)  # async name -> sync name
    blocking_calls: Collection[str] = DEFAULT_BLOCKING_CALLS
    #: The generated ``_BlockingTaskGroup`` boundary needs ``asyncio.TaskGroup``
    #: and ``except*`` (Python 3.11): without it, twins that need it fail.
    boundary_allowed: bool = True

    @property
    def asyncio(self) -> str:
        return self.imports.asyncio_module_name or "asyncio"


def is_generator(function: cst.FunctionDef) -> bool:
    found = False

    class _Finder(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_Yield(self, node: cst.Yield) -> None:
            nonlocal found
            found = True

    function.visit(_Finder())
    return found


def _asyncio_attr(context: TwinContext, attribute: str) -> cst.Attribute:
    return cst.Attribute(value=cst.Name(context.asyncio), attr=cst.Name(attribute))


class _BodyTransformer(cst.CSTTransformer):
    """Shared plumbing: stay inside the function's own body, collect problems."""

    def __init__(self, context: TwinContext) -> None:
        super().__init__()
        self.context = context
        self.problems: List[str] = []
        self.needs: Set[str] = set()  # "asyncio", "time", "boundary", typing names
        self._depth = 0
        self._for_iters: Set[int] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._depth += 1
        return self._depth == 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self._depth -= 1
        return updated_node

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_For(self, node: cst.For) -> None:
        self._for_iters.add(id(node.iter))
        if isinstance(node.iter, cst.Await):
            self._for_iters.add(id(node.iter.expression))

    def _is_for_iter(self, node: cst.CSTNode) -> bool:
        return id(node) in self._for_iters


#: Functions that start or drive an event loop besides ``asyncio.run`` (loop methods: ``verify.LOOP_METHODS``).
_LOOP_ASYNCIO = ("new_event_loop", "Runner", "get_event_loop")
_LOOP_FUNCTIONS = frozenset({"nest_asyncio.apply", "anyio.run", "trio.run"})


def starts_event_loop(call: cst.Call, imports: ModuleImports, single_run_ok: bool) -> Optional[str]:
    """The name of the event-loop-starting function ``call`` calls, or None.

    ``single_run_ok``: ``asyncio.run(c)`` (one positional argument) and
    ``_BlockingTaskGroup.run(c)`` do not count, since they become ``await c``.
    """
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value in LOOP_METHODS:
        return f"{dotted_name(func.value) or '<loop>'}.{func.attr.value}"
    name = dotted_name(func)
    if name in _LOOP_FUNCTIONS or any(imports.is_asyncio(func, attribute) for attribute in _LOOP_ASYNCIO):
        return name or "asyncio"
    if name == BOUNDARY_CLASS:  # ``with _BlockingTaskGroup() as tg`` becomes a TaskGroup
        return None if single_run_ok else name
    if imports.is_asyncio(func, "run") or name == f"{BOUNDARY_CLASS}.run":
        simple = len(call.args) == 1 and not call.args[0].keyword and not call.args[0].star
        if not (single_run_ok and simple):
            return name or "asyncio.run"
    return None


def _as_primary(node: cst.BaseExpression) -> cst.BaseExpression:
    """``node`` parenthesized if it is a bare ``await``, to be the primary of ``.x``/``[i]``/``(...)``.

    ``await a.b().c`` means ``await (a.b().c)``: a call made awaitable inside
    ``a.b().c`` must become ``(await a.b()).c``.
    """
    if isinstance(node, cst.Await) and not node.lpar:
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


class ToAsync(_BodyTransformer):
    """Sync method body -> async method body (see the module table)."""

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.Attribute:
        value = _as_primary(updated_node.value)
        return updated_node if value is updated_node.value else updated_node.with_changes(value=value)

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.Subscript:
        value = _as_primary(updated_node.value)
        return updated_node if value is updated_node.value else updated_node.with_changes(value=value)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        context = self.context
        func = _as_primary(updated_node.func)
        if func is not updated_node.func:
            updated_node = updated_node.with_changes(func=func)
        kind = agent_call_kind(updated_node, context.methods)
        if kind == "run":
            in_for = self._is_for_iter(original_node)
            stream = keyword(updated_node, "stream")
            if stream is not None and not in_for and not m_is_false(stream.value):
                self.problems.append("an agent stream is used outside a for loop")
                return updated_node
            assert isinstance(updated_node.func, cst.Attribute)
            call = updated_node.with_changes(func=updated_node.func.with_changes(attr=cst.Name("arun")))
            awaited = cst.Await(expression=with_keyword(call, "stream", bool_literal(in_for)))
            if in_for:
                self._streams.append(awaited)  # awaiting it gives an async iterator
            return awaited
        method = self_method_call(updated_node)
        if method is not None and method in context.async_twins:
            assert isinstance(updated_node.func, cst.Attribute)
            call = updated_node.with_changes(
                func=updated_node.func.with_changes(attr=cst.Name(context.async_twins[method]))
            )
            return call if method in context.generator_methods else cst.Await(expression=call)
        name = dotted_name(updated_node.func)
        if name == "time.sleep":
            self.needs.add("asyncio")
            return cst.Await(expression=updated_node.with_changes(func=_asyncio_attr(context, "sleep")))
        loop = starts_event_loop(updated_node, context.imports, single_run_ok=True)
        if loop is not None:
            self.problems.append(f"{loop}() starts an event loop that has no async counterpart")
            return updated_node
        if context.imports.is_asyncio(updated_node.func, "run") or name == f"{BOUNDARY_CLASS}.run":
            if len(updated_node.args) == 1 and not updated_node.args[0].keyword and not updated_node.args[0].star:
                return cst.Await(expression=updated_node.args[0].value)
            self.problems.append("asyncio.run() with options")
            return updated_node
        if name in context.blocking_calls:
            self.needs.add("asyncio")
            first = cst.Arg(value=updated_node.func)
            args = [first.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))] if updated_node.args else [first]
            return cst.Await(
                expression=cst.Call(func=_asyncio_attr(context, "to_thread"), args=[*args, *updated_node.args])
            )
        return updated_node

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        if updated_node.asynchronous is not None:
            return updated_node
        if self._iterates_asynchronously(updated_node.iter):
            return updated_node.with_changes(asynchronous=cst.Asynchronous())
        return updated_node

    def _iterates_asynchronously(self, iterator: cst.BaseExpression) -> bool:
        """An awaited agent stream or an async generator call: iterate with ``async for``.

        Any other ``await`` (e.g. ``asyncio.run(collect(...))`` turned into
        ``await collect(...)``) gives a plain value, iterated with ``for``.
        """
        return any(iterator is stream for stream in self._streams) or self._is_async_generator_call(iterator)

    def _is_async_generator_call(self, node: cst.BaseExpression) -> bool:
        method = self_method_call(node)
        return method is not None and method in self.context.async_twins.values() and (
            method in _reverse(self.context.async_twins)
            and _reverse(self.context.async_twins)[method] in self.context.generator_methods
        )

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Union[cst.BaseStatement, cst.FlattenSentinel[cst.BaseStatement]]:
        if self._depth > 1 or len(updated_node.body) != 1:
            return updated_node
        small = updated_node.body[0]
        if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.Yield) and isinstance(small.value.value, cst.From)):
            return updated_node
        original_small = original_node.body[0]
        if isinstance(original_small, cst.Expr):
            self._yield_froms.discard(id(original_small.value))
        source = small.value.value.item
        item = cst.Name("item")
        loop = cst.For(
            target=item,
            iter=source,
            body=cst.IndentedBlock(body=[cst.SimpleStatementLine(body=[cst.Expr(value=cst.Yield(value=item))])]),
            asynchronous=cst.Asynchronous() if self._iterates_asynchronously(source) else None,
            leading_lines=updated_node.leading_lines,
        )
        return loop

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> cst.BaseStatement:
        if updated_node.asynchronous is not None or len(updated_node.items) != 1:
            return updated_node
        item = updated_node.items[0].item
        if not (isinstance(item, cst.Call) and dotted_name(item.func) == BOUNDARY_CLASS and not item.args):
            return updated_node
        self.needs.add("asyncio")
        task_group = updated_node.with_changes(
            asynchronous=cst.Asynchronous(),
            items=[updated_node.items[0].with_changes(item=cst.Call(func=_asyncio_attr(self.context, "TaskGroup")))],
            leading_lines=[],
        )
        return first_error_unwrapped(task_group, updated_node.leading_lines)

    def visit_Yield(self, node: cst.Yield) -> None:
        # ``yield from agent.run(..., stream=True)`` iterates the stream, like a for loop.
        if isinstance(node.value, cst.From):
            self._for_iters.add(id(node.value.item))

    def leave_Yield(self, original_node: cst.Yield, updated_node: cst.Yield) -> cst.Yield:
        if isinstance(updated_node.value, cst.From):
            self._yield_froms.add(id(original_node))
        return updated_node

    def leave_Return(self, original_node: cst.Return, updated_node: cst.Return) -> cst.Return:
        if updated_node.value is not None and self._depth == 1 and self.is_generator_body:
            self.problems.append("a generator returns a value (async generators cannot)")
        return updated_node

    is_generator_body = False

    def __init__(self, context: TwinContext) -> None:
        super().__init__(context)
        self._yield_froms: Set[int] = set()
        self._streams: List[cst.Await] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if self._depth >= 1:
            self._flag_nested_loop(node, f"nested function {node.name.value}()")
        return super().visit_FunctionDef(node)

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self._flag_nested_loop(node, "a lambda")
        return False

    def _flag_nested_loop(self, node: cst.CSTNode, what: str) -> None:
        """Nested code is copied as it is: an event loop in it would run inside the async twin's."""
        imports = self.context.imports
        found: List[str] = []

        class _Finder(cst.CSTVisitor):
            def visit_Call(self, call: cst.Call) -> None:
                loop = starts_event_loop(call, imports, single_run_ok=False)
                if loop is not None:
                    found.append(loop)

        node.visit(_Finder())
        if found:
            self.problems.append(f"{what} starts an event loop ({found[0]}())")

    def finish(self) -> None:
        """Call after visiting: flags ``yield from`` used inside expressions."""
        if self._yield_froms:
            self.problems.append("'yield from' used as an expression (async generators have no equivalent)")


class ToSync(_BodyTransformer):
    """Async method body -> sync method body (the module table, read right to left)."""

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        method = self_method_call(updated_node)
        if method is not None and method in self.context.sync_twins:
            assert isinstance(updated_node.func, cst.Attribute)
            return updated_node.with_changes(
                func=updated_node.func.with_changes(attr=cst.Name(self.context.sync_twins[method]))
            )
        return updated_node

    def leave_Await(self, original_node: cst.Await, updated_node: cst.Await) -> cst.BaseExpression:
        context = self.context
        inner = updated_node.expression
        if not isinstance(inner, cst.Call):
            self.problems.append("await of something other than a call")
            return updated_node
        kind = agent_call_kind(inner, context.methods)
        if kind == "arun":
            assert isinstance(inner.func, cst.Attribute)
            call = inner.with_changes(func=inner.func.with_changes(attr=cst.Name("run")))
            in_for = self._is_for_iter(original_node)
            return with_keyword(call, "stream", bool_literal(in_for)).with_changes(
                lpar=updated_node.lpar, rpar=updated_node.rpar
            )
        method = self_method_call(inner)
        if method is not None and method in context.sync_twins.values():
            return inner.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
        if context.imports.is_asyncio(inner.func, "sleep"):
            self.needs.add("time")
            return inner.with_changes(func=cst.Attribute(value=cst.Name("time"), attr=cst.Name("sleep")))
        if context.imports.is_asyncio(inner.func, "to_thread"):
            if inner.args and not inner.args[0].keyword and not inner.args[0].star:
                rest = list(inner.args[1:])
                if rest:
                    rest[-1] = rest[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                return cst.Call(func=inner.args[0].value, args=rest)
        if any(context.imports.is_asyncio(inner.func, name) for name in ("gather", "ensure_future", "create_task")):
            self.problems.append("awaits asyncio.gather/create_task (run AGM005 first: it makes a TaskGroup)")
            return updated_node
        # Any other awaitable call (an async-only tool): through the boundary helper.
        if not self._use_boundary():
            return updated_node
        run_one = cst.Attribute(value=cst.Name(BOUNDARY_CLASS), attr=cst.Name("run"))
        return cst.Call(func=run_one, args=[cst.Arg(value=inner)])

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> Union[cst.BaseStatement, cst.For]:
        if updated_node.asynchronous is None:
            return updated_node
        iterator = updated_node.iter
        is_agent_stream = isinstance(original_node.iter, cst.Await) and isinstance(iterator, cst.Call)
        method = self_method_call(iterator)
        is_twin_generator = method is not None and method in self.context.sync_twins.values()
        if not (is_agent_stream or is_twin_generator):
            self.problems.append("async for over something that has no sync counterpart")
            return updated_node
        loop = updated_node.with_changes(asynchronous=None)
        if is_twin_generator and _is_yield_target_only(loop):
            return cst.SimpleStatementLine(
                body=[cst.Expr(value=cst.Yield(value=cst.From(item=iterator)))],
                leading_lines=loop.leading_lines,
            )
        return loop

    def _use_boundary(self) -> bool:
        """Note that the twin needs the generated boundary; False (a problem) when the target lacks it."""
        if not self.context.boundary_allowed:
            self.problems.append("needs the generated _BlockingTaskGroup boundary, which needs Python 3.11 "
                                 "(asyncio.TaskGroup, except*); raise --target-version to py311 or later")
            return False
        self.needs.add("boundary")
        return True

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> cst.With:
        if updated_node.asynchronous is None:
            return updated_node
        if len(updated_node.items) == 1:
            item = updated_node.items[0].item
            if isinstance(item, cst.Call) and self.context.imports.is_asyncio(item.func, "TaskGroup") and not item.args:
                if not self._use_boundary():
                    return updated_node
                return updated_node.with_changes(
                    asynchronous=None,
                    items=[updated_node.items[0].with_changes(item=cst.Call(func=cst.Name(BOUNDARY_CLASS)))],
                )
        self.problems.append("async with over something that has no sync counterpart")
        return updated_node

    def leave_CompFor(self, original_node: cst.CompFor, updated_node: cst.CompFor) -> cst.CompFor:
        if updated_node.asynchronous is not None:
            self.problems.append("async comprehension")
        return updated_node


def _reverse(mapping: Mapping[str, str]) -> Dict[str, str]:
    return {value: key for key, value in mapping.items()}


def m_is_false(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "False"


def _is_yield_target_only(loop: cst.For) -> bool:
    """``for x in it: yield x`` with no else: the same as ``yield from it``."""
    if loop.orelse is not None or not isinstance(loop.target, cst.Name):
        return False
    body = loop.body
    if not isinstance(body, cst.IndentedBlock) or len(body.body) != 1:
        return False
    line = body.body[0]
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1 or line.leading_lines:
        return False
    small = line.body[0]
    return (
        isinstance(small, cst.Expr)
        and isinstance(small.value, cst.Yield)
        and isinstance(small.value.value, cst.Name)
        and small.value.value.value == loop.target.value
    )


class UnconvertibleAnnotation(ValueError):
    """A quoted return annotation whose text cannot be twinned (not one expression)."""


def _quoted_expression(node: cst.BaseExpression) -> Optional[Tuple[cst.SimpleString, cst.BaseExpression]]:
    """``(string, parsed expression)`` for a quoted annotation (``"Iterator[T]"``), else None.

    Raises :class:`UnconvertibleAnnotation` for a string annotation that is not a
    plain (unprefixed, single-line) string holding one expression: its twin's
    type cannot be written with confidence."""
    if isinstance(node, (cst.ConcatenatedString, cst.FormattedString)):
        raise UnconvertibleAnnotation("an implicitly concatenated or f-string return annotation")
    if not isinstance(node, cst.SimpleString):
        return None
    if node.prefix or node.quote not in ('"', "'"):
        raise UnconvertibleAnnotation(f"the return annotation {node.value} is not a plain one-line string")
    try:
        return node, cst.parse_expression(node.raw_value.strip())
    except (cst.ParserSyntaxError, ValueError):
        raise UnconvertibleAnnotation(f"the quoted return annotation {node.value} is not an expression") from None


def convert_annotation(annotation: Optional[cst.Annotation], to_async: bool) -> Optional[cst.Annotation]:
    """``Iterator[T]`` <-> ``AsyncIterator[T]`` and friends, in a return annotation.

    A quoted annotation (``-> "Iterator[T]"``, e.g. for names imported only under
    ``TYPE_CHECKING``) is converted inside the string, keeping its quotes; one
    that is not a single expression raises :class:`UnconvertibleAnnotation`."""
    if annotation is None:
        return None
    quoted = _quoted_expression(annotation.annotation)
    if quoted is not None:
        string, expression = quoted
        converted = convert_annotation(cst.Annotation(annotation=expression), to_async)
        assert converted is not None
        if converted.annotation is expression:
            return annotation
        text = cst.Module(body=[]).code_for_node(converted.annotation)
        if string.quote in text or "\\" in text:
            raise UnconvertibleAnnotation(f"the quoted return annotation {string.value} cannot be re-quoted")
        return annotation.with_changes(annotation=string.with_changes(value=f"{string.quote}{text}{string.quote}"))
    table = SYNC_TO_ASYNC_TYPES if to_async else ASYNC_TO_SYNC_TYPES
    node = annotation.annotation
    if not isinstance(node, cst.Subscript):
        return annotation
    head = node.value
    base = head.attr.value if isinstance(head, cst.Attribute) else head.value if isinstance(head, cst.Name) else None
    if base is None or base not in table:
        return annotation
    new_name = table[base]
    new_head = head.with_changes(attr=cst.Name(new_name)) if isinstance(head, cst.Attribute) else cst.Name(new_name)
    elements = list(node.slice)
    if base == "Generator" and to_async and len(elements) == 3:
        elements = elements[:2]
        elements[-1] = elements[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    elif base == "AsyncGenerator" and not to_async and len(elements) == 2:
        elements[-1] = elements[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        elements.append(cst.SubscriptElement(slice=cst.Index(value=cst.Name("None"))))
    return annotation.with_changes(annotation=node.with_changes(value=new_head, slice=elements))


def annotation_type_names(annotation: Optional[cst.Annotation]) -> Set[str]:
    """Bare typing names a converted annotation uses (to import them), inside quotes too."""
    if annotation is None:
        return set()
    node = annotation.annotation
    try:
        quoted = _quoted_expression(node)
    except UnconvertibleAnnotation:
        return set()
    if quoted is not None:
        node = quoted[1]
    if not isinstance(node, cst.Subscript):
        return set()
    head = node.value
    if isinstance(head, cst.Name) and (head.value in SYNC_TO_ASYNC_TYPES or head.value in ASYNC_TO_SYNC_TYPES):
        return {head.value}
    return set()
