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

import ast
from dataclasses import dataclass, field
from typing import Collection, Dict, List, Mapping, NamedTuple, Optional, Set, Tuple, Union

import libcst as cst

from codemods.boundary import BOUNDARY_CLASS
from codemods.names import ASYNC_TO_SYNC_TYPES, SYNC_TO_ASYNC_TYPES
from codemods.taskgroup import first_error_unwrapped
from codemods.verify import LOOP_METHODS
from codemods.patterns import (
    ModuleImports,
    agent_call_kind,
    bool_literal,
    dotted_name,
    has_star_args,
    keyword,
    self_method_call,
    with_keyword,
)


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
    #: What the module shows of the ``stream`` flag of each ``self.<attribute>`` agent (see
    #: :func:`agent_stream_modes`); an attribute not in it is not shown at all (an unsafe twin).
    stream_modes: Mapping[str, "StreamMode"] = field(default_factory=dict)

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


class _NameUses(cst.CSTVisitor):
    """Each name's loads in a function (nested functions included): how many, and how many are
    the value of an attribute read (``answer.content``)."""

    def __init__(self) -> None:
        self.loads: Dict[str, int] = {}
        self.attribute_values: Dict[str, int] = {}
        self.assigned: Dict[str, List[cst.BaseExpression]] = {}
        self._targets: Set[int] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._targets.add(id(target.target))
            if isinstance(target.target, cst.Name):
                self.assigned.setdefault(target.target.value, []).append(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name):
            self.attribute_values[node.value.value] = self.attribute_values.get(node.value.value, 0) + 1

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._targets:
            self.loads[node.value] = self.loads.get(node.value, 0) + 1


def _results_read_as_responses(function: cst.FunctionDef) -> Set[int]:
    """Ids of the values (and awaited calls) assigned to a name that the function binds once
    and only ever reads attributes of (``answer = A.run(m)`` ... ``answer.content``): the result
    is used as a response, never iterated or handed on."""
    uses = _NameUses()
    function.body.visit(uses)
    found: Set[int] = set()
    for name, values in uses.assigned.items():
        loads = uses.loads.get(name, 0)
        if len(values) != 1 or not loads or uses.attribute_values.get(name, 0) != loads:
            continue
        value = values[0]
        found.add(id(value))
        if isinstance(value, cst.Await):
            found.add(id(value.expression))
    return found


class _BodyTransformer(cst.CSTTransformer):
    """Shared plumbing: stay inside the function's own body, collect problems."""

    def __init__(self, context: TwinContext) -> None:
        super().__init__()
        self.context = context
        self.problems: List[str] = []
        self.needs: Set[str] = set()  # "asyncio", "time", "boundary", typing names
        self._depth = 0
        self._for_iters: Set[int] = set()
        self._response_reads: Set[int] = set()  # calls (awaits) whose result's attribute is read right there
        #: Why the twin may change behaviour (an unsafe twin: made only with --unsafe-fixes).
        self.unsafe: List[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._depth += 1
        if self._depth == 1:
            self._response_reads |= _results_read_as_responses(node)
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

    def visit_CompFor(self, node: cst.CompFor) -> None:
        # ``[x for x in A.run(...)]`` iterates the run's result like a for loop.
        self._for_iters.add(id(node.iter))
        if isinstance(node.iter, cst.Await):
            self._for_iters.add(id(node.iter.expression))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        # ``A.run(...).content``, ``(await A.arun(...)).content``: the result is used as a response.
        self._response_reads.add(id(node.value))
        if isinstance(node.value, cst.Await):
            self._response_reads.add(id(node.value.expression))

    def _is_for_iter(self, node: cst.CSTNode) -> bool:
        return id(node) in self._for_iters

    def _stream_known(self, call: cst.Call, in_for: bool, read_as_response: bool = False) -> bool:
        """Whether the agent run ``call`` (``self.<a>.run/arun(...)``) streams as its twin will
        (``stream=True`` when iterated, else ``stream=False``); False, with a problem, when it
        provably does not or the module shows something that may change it.  A stream mode the
        module does not show at all makes the twin unsafe.

        agno 1.8.4: a run without ``stream=`` uses the agent's ``stream`` attribute, which the
        constructor sets and any earlier ``run(..., stream=True)`` sets for good."""
        assert isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Attribute)
        spelled = f"self.{call.func.value.attr.value}.{call.func.attr.value}()"
        if has_star_args(call):
            self.problems.append(f"{spelled} passes *args/**kwargs: its stream mode is not known")
            return False
        stream = keyword(call, "stream")
        if stream is not None:
            value = stream.value
            if m_is_false(value) or (isinstance(value, cst.Name) and value.value == "None"):
                mode: Optional[bool] = False if m_is_false(value) else None
            elif isinstance(value, cst.Name) and value.value == "True":
                mode = True
            else:
                self.problems.append(f"{spelled} passes a stream= that is not True or False")
                return False
            if mode is not None:
                if mode and not in_for:
                    self.problems.append("an agent stream is used outside a for loop")
                    return False
                if not mode and in_for:
                    self.problems.append(f"{spelled} with stream=False is iterated (a RunResponse is not iterable)")
                    return False
                return True
        # No stream= (or stream=None): the agent's sticky stream flag decides.
        attribute = call.func.value.attr.value
        known = self.context.stream_modes.get(attribute)
        if known is None:
            known = StreamMode(None, f"the module does not show how self.{attribute} is built")
        if known.mode is None:
            why = (f"{spelled} passes no stream=, so it streams as self.{attribute}.stream says (a sticky flag "
                   f"any run(..., stream=True) sets), and {known.why}")
            if known.refuse:
                self.problems.append(why)
                return False
            if not (in_for or read_as_response):
                # Iterated right there, the original works only if it streams (a RunResponse is not
                # iterable); its attribute read right there, only if it does not (a stream has no
                # .content): then the twin's explicit stream= is the mode the original ran in.
                # Otherwise (stored, returned, handed on) either may work: the twin guesses.
                self.unsafe.append(f"{why}: the twin assumes stream={in_for}")
            return True
        if known.mode != in_for:
            self.problems.append(
                f"{spelled} passes no stream= and self.{attribute} {'streams' if known.mode else 'does not stream'}"
                f" ({known.why}), but its result is {'iterated' if in_for else 'not iterated'}")
            return False
        return True

    def _async_generator_expression(self, node: cst.GeneratorExp) -> bool:
        """Whether ``node`` awaits or iterates asynchronously past its first iterable (which is
        evaluated where the expression stands): that makes it an async generator expression."""
        found = False
        first = node.for_in.iter

        class _Finder(cst.CSTVisitor):
            def visit_Lambda(self, lambda_: cst.Lambda) -> bool:
                return False

            def on_visit(self, child: cst.CSTNode) -> bool:
                nonlocal found
                if child is first:
                    return False
                if isinstance(child, cst.Await) or (isinstance(child, cst.CompFor) and child.asynchronous):
                    found = True
                return super().on_visit(child)

        node.visit(_Finder())
        return found


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
            if not self._stream_known(updated_node, in_for, id(original_node) in self._response_reads):
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

    def leave_CompFor(self, original_node: cst.CompFor, updated_node: cst.CompFor) -> cst.CompFor:
        if updated_node.asynchronous is None and self._iterates_asynchronously(updated_node.iter):
            return updated_node.with_changes(asynchronous=cst.Asynchronous())
        return updated_node

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp, updated_node: cst.GeneratorExp) -> cst.GeneratorExp:
        if self._async_generator_expression(updated_node):
            self.problems.append("a generator expression would await or iterate asynchronously (it would become "
                                 "an async generator its consumer cannot iterate)")
        return updated_node

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
            if not self._stream_known(inner, in_for, id(original_node) in self._response_reads):
                return updated_node
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

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp, updated_node: cst.GeneratorExp) -> cst.GeneratorExp:
        if self._async_generator_expression(original_node):
            self.problems.append("an async generator expression (its sync twin would be a plain generator)")
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


class StreamMode(NamedTuple):
    """What a module shows of the ``stream`` flag of the agent held in one attribute.

    ``mode``: whether a run without ``stream=`` streams (None: not shown).  With ``mode`` None,
    ``refuse`` says the module shows something that may change it (a twin must not guess: it is
    left alone), else the module simply does not show the agent (a twin that guesses is unsafe)."""

    mode: Optional[bool]
    why: str
    refuse: bool = False


_AGENT_CLASSES = ("agno.agent.Agent", "agno.agent.agent.Agent", "agno.team.Team", "agno.team.team.Team")
#: Agent methods that run it (a reference passed on may run it with ``stream=True``).
_RUN_METHODS = frozenset({"run", "arun", "print_response", "aprint_response", "cli_app", "acli_app"})


def _agent_constructors(tree: ast.Module) -> Set[str]:
    """How the module spells agno's ``Agent``/``Team`` classes (top-level imports not rebound)."""
    names: Set[str] = set()
    rebound: Set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module:
            for alias in statement.names:
                if f"{statement.module}.{alias.name}" in _AGENT_CLASSES:
                    names.add(alias.asname or alias.name)
                else:
                    rebound.add(alias.asname or alias.name)
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                for full in _AGENT_CLASSES:
                    if full.startswith(alias.name + "."):
                        names.add((alias.asname or alias.name) + full[len(alias.name):] if alias.asname else full)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            rebound.add(statement.name)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            rebound |= {node.id for target in targets for node in ast.walk(target) if isinstance(node, ast.Name)}
    return {name for name in names if name.split(".")[0] not in rebound}


def _source(node: ast.AST, limit: int = 60) -> str:
    text = ast.unparse(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _literal(node: ast.expr) -> Tuple[bool, object]:
    """``(True, value)`` for a ``True``/``False``/``None`` literal, else ``(False, None)``."""
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool)):
        return True, node.value
    return False, None


def _constructed_mode(value: ast.expr, constructors: Set[str]) -> Tuple[str, Optional[bool], str]:
    """``("mode", stream, how)``, ``("refuse", None, why)``, ``("hidden", None, why)`` or
    ``("none", None, "")`` (``None``: holds no agent) for a value assigned to an agent attribute."""
    if isinstance(value, ast.Constant) and value.value is None:
        return "none", None, ""
    if isinstance(value, ast.Call):
        spelled = ".".join(reversed(_attribute_chain(value.func))) if _attribute_chain(value.func) else None
        if spelled in constructors:
            if any(kw.arg is None for kw in value.keywords) or any(isinstance(a, ast.Starred) for a in value.args):
                return "refuse", None, f"{_source(value)} passes arguments the module does not show"
            for kw in value.keywords:
                if kw.arg == "stream":
                    is_literal, literal = _literal(kw.value)
                    if not is_literal:
                        return "refuse", None, f"{spelled}(stream={_source(kw.value)}) is built with a stream flag " \
                                               "the module does not show"
                    return "mode", bool(literal), f"it is built by {spelled}(stream={literal})"
            return "mode", False, f"it is built by {spelled}() without stream="
    return "hidden", None, f"it is set to {_source(value)}, not an agno Agent(...)/Team(...) the module shows"


def _attribute_chain(node: ast.expr) -> List[str]:
    """``a.b.c`` -> ``["c", "b", "a"]``; ``[]`` for anything else."""
    parts: List[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return []
    parts.append(node.id)
    return parts


def agent_stream_modes(module: cst.Module) -> Dict[str, StreamMode]:
    """Attribute name -> what ``module`` shows of the ``stream`` flag of an agent held in
    ``<x>.<attribute>`` (any receiver, any class of the module: attributes are matched by name).

    agno 1.8.4: a run without ``stream=`` streams as the agent's ``stream`` attribute says; the
    constructor sets it, and any run with ``stream=True`` sets it for good.  So the mode is known
    when every assignment of the attribute the module shows (``self.a = ...``, a class attribute,
    a keyword ``a=`` of a call) is an ``Agent(...)``/``Team(...)`` with a literal ``stream`` (or
    none: False), all alike, no run in the module passes ``stream=True`` (for a non-streaming
    agent), ``stream=<expression>`` or ``**kwargs``, nothing assigns ``<x>.a.stream``, and the
    agent is not passed on (a team may run its members with ``stream=True``)."""
    try:
        tree = ast.parse(module.code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    constructors = _agent_constructors(tree)
    parents: Dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    values: Dict[str, List[ast.expr]] = {}
    refused: Dict[str, str] = {}  # the module shows something that may change the flag
    hidden: Dict[str, str] = {}  # the module does not show what the flag is
    streamed: Dict[str, str] = {}  # a run with stream=True (sets the flag for good)

    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.Assign):
                    for target in statement.targets:
                        if isinstance(target, ast.Name):
                            values.setdefault(target.id, []).append(statement.value)
                        else:
                            for name in ast.walk(target):
                                if isinstance(name, ast.Name):
                                    hidden.setdefault(name.id, f"{name.id} is unpacked from {_source(statement.value)}")
                elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                    if statement.value is not None:
                        values.setdefault(statement.target.id, []).append(statement.value)
        elif isinstance(node, ast.keyword) and node.arg is not None:
            call = parents.get(node)
            if isinstance(call, ast.Call) and ".".join(reversed(_attribute_chain(call.func))) not in constructors:
                values.setdefault(node.arg, []).append(node.value)
        elif isinstance(node, ast.Attribute):
            attribute, parent, spelled = node.attr, parents.get(node), _source(node)
            if not isinstance(node.ctx, ast.Load):
                if isinstance(parent, ast.Assign) and node in parent.targets:
                    values.setdefault(attribute, []).append(parent.value)
                elif isinstance(parent, ast.AnnAssign) and parent.target is node:
                    if parent.value is not None:
                        values.setdefault(attribute, []).append(parent.value)
                else:
                    hidden.setdefault(attribute, f"the module binds {spelled} where it does not show the value")
                if attribute == "stream" and isinstance(node.value, ast.Attribute):
                    refused.setdefault(node.value.attr, f"the module sets {spelled}")
                continue
            if isinstance(parent, ast.Attribute) and parent.value is node:
                grand = parents.get(parent)
                if isinstance(grand, ast.Call) and grand.func is parent:
                    if any(kw.arg is None for kw in grand.keywords) or any(
                            isinstance(a, ast.Starred) for a in grand.args):
                        refused.setdefault(attribute, f"{_source(grand)} passes arguments the module does not show")
                    for kw in grand.keywords:
                        if kw.arg == "stream":
                            is_literal, literal = _literal(kw.value)
                            if not is_literal:
                                refused.setdefault(attribute, f"{_source(grand)} passes stream={_source(kw.value)}")
                            elif literal:
                                streamed.setdefault(attribute, _source(grand))
                elif parent.attr in _RUN_METHODS and isinstance(parent.ctx, ast.Load):
                    hidden.setdefault(attribute, f"the module passes on {_source(parent)}")
                continue
            if isinstance(parent, ast.Compare) or (
                    isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)) and parent.test is node) or (
                    isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not)):
                continue
            hidden.setdefault(attribute, f"the module passes {spelled} on (it may be run with stream=True there)")

    modes: Dict[str, StreamMode] = {}
    for attribute in set(values) | set(refused) | set(hidden) | set(streamed):
        if attribute in refused:
            modes[attribute] = StreamMode(None, refused[attribute], refuse=True)
            continue
        shown: Dict[bool, str] = {}
        refusal: Optional[str] = None
        unseen: Optional[str] = hidden.get(attribute)
        for value in values.get(attribute, []):
            kind, mode, why = _constructed_mode(value, constructors)
            if kind == "refuse":
                refusal = refusal or why
            elif kind == "hidden":
                unseen = unseen or why
            elif kind == "mode":
                assert mode is not None
                shown.setdefault(mode, why)
        if refusal is None and len(shown) > 1:
            refusal = f"{shown[True]} and {shown[False]}"
        if refusal is None and shown.get(False) is not None and attribute in streamed:
            refusal = f"{streamed[attribute]} sets it for good"
        if refusal is not None:
            modes[attribute] = StreamMode(None, refusal, refuse=True)
        elif unseen is not None or not shown:
            modes[attribute] = StreamMode(None, unseen or f"the module does not show how {attribute} is built")
        else:
            (mode, why), = shown.items()
            modes[attribute] = StreamMode(mode, why)
    return modes


def _catches_stop_iteration(handler_type: Optional[cst.BaseExpression]) -> bool:
    if handler_type is None:
        return True
    if isinstance(handler_type, cst.Tuple):
        return any(_catches_stop_iteration(element.value) for element in handler_type.elements)
    name = dotted_name(handler_type)
    return name is not None and name.rpartition(".")[2] in ("StopIteration", "Exception", "BaseException")


def stop_iteration_escapes(function: cst.FunctionDef) -> Optional[str]:
    """Why a twin of ``function`` would raise a different error, or None: its own body calls
    ``next(it)`` with no default (or ``it.__next__()``) outside a ``try`` that catches
    StopIteration.  A StopIteration escaping a generator, an async generator or a coroutine
    becomes ``RuntimeError('<kind> raised StopIteration')`` (a plain function lets it through),
    so the twin's error differs from the source's."""
    found: List[str] = []

    class _Finder(cst.CSTVisitor):
        def __init__(self) -> None:
            super().__init__()
            self.protected = 0

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

        def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
            # Its own body is a generator already (the same in both twins): only the first
            # iterable runs here.
            node.for_in.iter.visit(self)
            return False

        def _try(self, node: Union[cst.Try, cst.TryStar]) -> bool:
            catches = any(_catches_stop_iteration(handler.type) for handler in node.handlers)
            self.protected += catches
            node.body.visit(self)
            self.protected -= catches
            for part in (*node.handlers, node.orelse, node.finalbody):
                if part is not None:
                    part.visit(self)
            return False

        def visit_Try(self, node: cst.Try) -> bool:
            return self._try(node)

        def visit_TryStar(self, node: cst.TryStar) -> bool:
            return self._try(node)

        def visit_Call(self, node: cst.Call) -> None:
            if self.protected or found:
                return
            name = dotted_name(node.func)
            plain = [arg for arg in node.args if not arg.keyword and not arg.star]
            if name in ("next", "builtins.next") and len(node.args) == 1 and len(plain) == 1:
                found.append(cst.Module(body=[]).code_for_node(node))
            elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "__next__" and not node.args:
                found.append(cst.Module(body=[]).code_for_node(node))

    function.visit(_Finder())
    if not found:
        return None
    shown = found[0] if len(found[0]) <= 60 else found[0][:57] + "..."
    return (f"{shown} has no default and no try catching StopIteration around it: a StopIteration escaping a "
            "generator, async generator or coroutine becomes RuntimeError('<kind> raised StopIteration'), "
            "so the twin would raise a different error (give next() a default or catch StopIteration)")
