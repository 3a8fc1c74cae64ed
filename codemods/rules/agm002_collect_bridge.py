"""AGM002 collect-bridge: the ``asyncio.run(self._collect_async_responses(gen))`` bridge."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst

from codemods.names import NameMap
from codemods.patterns import (
    ModuleImports,
    class_method_names,
    count_name,
    fresh_locals,
    function_observable_write,
    is_collect_helper,
    iter_functions,
    observable_write,
    root_name,
    self_method_call,
    workflow_class_names,
)
from codemods.prefilter import COLLECT_HELPER_NAMES
from codemods.rule import Rule
from codemods.taskgroup import names_in, unique_name
from codemods.twins import marker_of
from codemods.twins import is_generator

Replacement = Union[cst.BaseStatement, Sequence[cst.BaseStatement]]


class CollectBridge(Rule):
    """Stream from the sync twin instead of collecting an async generator.

    ## What it does
    In synchronous code, rewrites the bridge
    ``asyncio.run(self._collect_async_responses(self._run_x_flow(...)))`` into
    ``yield from self._run_x_flow(...)``, where ``_run_x_flow`` is the sync
    twin AGM007 generates (the async original becomes ``_arun_x_flow``).
    Handled forms: ``yield from <bridge>``, ``for r in <bridge>: ...`` and the
    two-line ``responses = <bridge>`` followed by ``yield from responses``;
    ``asyncio`` may be imported under any alias or ``from asyncio import run``.
    The collect helper is recognised by its body, whatever its name: an
    ``async def`` that only drains its one argument into a list (``out = [];
    async for r in gen: out.append(r); return out`` or ``return [r async for
    r in gen]``).  The well-known name ``_collect_async_responses`` alone
    proves nothing (see Left alone).

    A bridge anywhere inside a ``try`` (any clause) or a ``with`` block of
    its function is not streamed: the legacy code had every item before it
    yielded the first, so when the generator failed nothing had been yielded
    and an ``except``/``finally``/context manager saw the error first.  Such
    a bridge becomes a loop that collects the sync twin's items into a list
    (``responses = []; for response in self._run_x_flow(...):
    responses.append(response)``) and then yields them, which keeps that
    order exactly (a plain ``for`` loop, so AGM007's async twin collects with
    ``async for``).

    ## Why is this bad
    ``asyncio.run`` drains the whole async generator into a list before the
    first item reaches the caller, so a "streaming" workflow shows nothing
    until the last token of the last agent arrives; it also starts a new event
    loop per call and crashes when the caller already runs one.

    ## Example
    ```python
    def run(self, message: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_report_flow(message)))
        yield from responses
    ```
    becomes
    ```python
    def run(self, message: str) -> Iterator[RunResponse]:
        yield from self._run_report_flow(message)
    ```

    ## Fix safety
    Mixed.  Streaming changes one thing on purpose: items reach the caller as
    they are produced instead of all at once.  When the subflow fails midway,
    the items produced before the failure are now seen before the same
    exception (the parity harness accepts exactly this difference and nothing
    else).  A bridge inside a ``try`` that handles errors keeps collecting first,
    as before, so the handler's output still comes alone; so does a bridge
    iterated by a ``for`` loop that may stop early (``break``, ``return``,
    ``raise``), so the subflow still runs to its end before the loop body.

    Streaming also interleaves the subflow with its consumer: before, the whole
    subflow had run before the first item reached the ``for`` body or the
    caller of ``run()``.  So the fix is *safe* only when neither side writes
    state the other can observe: the subflow (with the methods of the class
    and the functions of the module it calls, as far as they are visible) and,
    in the ``for`` form, the loop's body.  A write is an assignment, augmented
    assignment or ``del`` of an attribute or item, or a mutating method call
    (``append``, ``update``, ``setdefault``...), on anything but a new object of
    the function's own (``self.session_state[...]``, ``self.x``, a module
    global, a parameter, a list the loop's function hands to the subflow, the
    items themselves), ``global``/``nonlocal`` assignments, ``setattr``, a
    storage or memory verb (``upsert``, ``save``, ``add_run``...), ``self`` or
    an object of ``self``'s handed to a function the module does not define
    (``save_state(self.session_state)``), and a ``self.m()`` the class does not
    define (inherited: not visible).  Otherwise it is an *unsafe fix*
    (``[unsafe fix, needs --unsafe-fixes]``, made only with
    ``--unsafe-fixes``) whose message names the write: a caller that stops
    after the first item (``next(iter(flow.run()))``), or reads
    ``session_state`` between items, would now see the state before the
    subflow finished.  Calls on agents (``self.agent.arun(...)``) are not
    counted as writes: their own run state is not workflow state.

    ## Left alone
    Each with a ``[left alone]`` finding saying why:

    * a bridge through a function named ``_collect_async_responses`` whose
      body is not the plain drain (it catches errors and appends an error
      item, filters, writes ``session_state``...): yielding from the sync
      twin would drop what it does;
    * a bridge whose result is used in any other way (indexing, ``len``,
      passing it on);
    * a generator that is not a direct ``self.<method>(...)`` call, or a
      method not defined in the class (inherited from another module: its
      sync twin cannot be checked), or defined there but not as an async
      generator (``async def`` containing ``yield``);
    * a method with neither an existing sync twin nor one AGM007 will
      generate (it generates them for the ``run_*``/``_run_*`` subflows of
      ``agno.workflow.Workflow`` subclasses; not for decorated methods,
      methods marked ``# agno-migrate: manual`` or an ``async def run``);
    * a bridge whose sync twin is the enclosing function itself, e.g. a
      ``run()`` bridging over the workflow's own ``self.arun(...)``:
      ``yield from self.run(...)`` would recurse forever.
    """

    code = "AGM002"
    name = "collect-bridge"
    summary = "asyncio.run(self._collect_async_responses(gen)) kills streaming: yield from the sync twin"
    DESCRIPTION = f"{code} {name}: {summary}"  # shown by python -m libcst.tool list
    fix_safety = "mixed"  # unsafe where the subflow or the consumer loop writes state the other side sees
    triggers = ("asyncio",)
    prefilter = ("async", "agm002_may_apply")  # codemods.prefilter: key string, check
    requires = ("AGM007",)  # yields from the sync twins AGM007 generates
    runs_after = ("AGM004",)
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports nothing in.
    VALID = (
        """\
        from typing import Iterator

        from agno.run.response import RunResponse
        from agno.workflow import Workflow


        class Flow(Workflow):
            def run(self, message: str) -> Iterator[RunResponse]:
                yield from self._run_report_flow(message)

            def _run_report_flow(self, message: str) -> Iterator[RunResponse]:
                yield RunResponse(content=message)
        """,
    )
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports (and, where it can, rewrites).
    INVALID = (
        """\
        import asyncio
        from typing import AsyncIterator, Iterator, List

        from agno.run.response import RunResponse
        from agno.workflow import Workflow


        class Flow(Workflow):
            def run(self, message: str) -> Iterator[RunResponse]:
                yield from asyncio.run(self._collect_async_responses(self._run_report_flow(message)))

            async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
                collected: List[RunResponse] = []
                async for response in responses:
                    collected.append(response)
                return collected

            async def _run_report_flow(self, message: str) -> AsyncIterator[RunResponse]:
                yield RunResponse(content=message)
        """,
    )

    def __init__(self, context) -> None:
        super().__init__(context)
        self._imports: Optional[ModuleImports] = None
        self._module_helpers: Set[str] = set()
        self._module_functions: Dict[str, cst.FunctionDef] = {}
        self._not_drains: Set[str] = set()  # functions with the helper's name that are no plain drain
        self._class_stack: List[Set[str]] = []  # collect helpers visible in each class
        self._methods_stack: List[Set[str]] = []
        self._sync_methods_stack: List[Set[str]] = []
        self._functions_stack: List[Dict[str, cst.FunctionDef]] = []  # each class's methods by name
        self._twinned_stack: List[bool] = []  # AGM007 will generate this class's twins
        self._workflow_classes: Set[str] = set()
        self._function_stack: List[cst.FunctionDef] = []
        self._guards: List[int] = []  # per function: enclosing try/with statements
        self._taken: List[Set[str]] = []  # per function: names it spells, and names added to it
        self._names = NameMap()

    def visit_Module(self, node: cst.Module) -> None:
        self._imports = ModuleImports(node)
        self._names = NameMap.from_options(self.options)
        self._module_functions = {f.name.value: f for f in iter_functions(node.body)}
        self._module_helpers = {name for name, f in self._module_functions.items() if is_collect_helper(f)}
        not_drains: Set[str] = set()

        class _Named(cst.CSTVisitor):
            def visit_FunctionDef(self, function: cst.FunctionDef) -> None:
                if function.name.value in COLLECT_HELPER_NAMES and not is_collect_helper(function):
                    not_drains.add(function.name.value)

        node.visit(_Named())
        self._not_drains = not_drains
        if "AGM007" in self.options.get("selected_rules", ()):
            self._workflow_classes = workflow_class_names(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        self._class_stack.append({f.name.value for f in iter_functions(body) if is_collect_helper(f)})
        self._methods_stack.append(class_method_names(node))
        self._sync_methods_stack.append({f.name.value for f in iter_functions(body) if f.asynchronous is None})
        self._functions_stack.append({f.name.value: f for f in iter_functions(body)})
        self._twinned_stack.append(node.name.value in self._workflow_classes)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self._class_stack.pop()
        self._methods_stack.pop()
        self._sync_methods_stack.pop()
        self._functions_stack.pop()
        self._twinned_stack.pop()
        return updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._function_stack.append(node)
        self._guards.append(0)
        self._taken.append(names_in(node))

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self._function_stack.pop()
        self._guards.pop()
        self._taken.pop()
        return updated_node

    # A bridge anywhere inside these sees its errors handled (or its items observed) by
    # the enclosing statement: it keeps collecting before it yields (see _collected).
    def _enter_guard(self) -> None:
        if self._guards:
            self._guards[-1] += 1

    def _leave_guard(self) -> None:
        if self._guards:
            self._guards[-1] -= 1

    def visit_Try(self, node: cst.Try) -> None:
        self._enter_guard()

    def leave_Try(self, original_node: cst.Try, updated_node: cst.Try) -> cst.Try:
        self._leave_guard()
        return updated_node

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._enter_guard()

    def leave_TryStar(self, original_node: cst.TryStar, updated_node: cst.TryStar) -> cst.TryStar:
        self._leave_guard()
        return updated_node

    def visit_With(self, node: cst.With) -> None:
        self._enter_guard()

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> cst.With:
        self._leave_guard()
        return updated_node

    def _guarded(self) -> bool:
        return bool(self._guards) and self._guards[-1] > 0

    # -- matching --------------------------------------------------------------------
    def _helpers(self) -> Set[str]:
        return self._module_helpers | (self._class_stack[-1] if self._class_stack else set())

    def _bridge_generator(self, node: cst.BaseExpression) -> Optional[cst.Call]:
        """``asyncio.run(<helper>(GEN))`` -> GEN, else None."""
        assert self._imports is not None
        if not isinstance(node, cst.Call) or not self._imports.is_asyncio(node.func, "run"):
            return None
        if len(node.args) != 1 or node.args[0].keyword or node.args[0].star:
            return None
        collect = node.args[0].value
        if not isinstance(collect, cst.Call) or len(collect.args) != 1 or collect.args[0].keyword:
            return None
        func = collect.func
        helper = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
        if helper not in self._helpers():
            return None
        generator = collect.args[0].value
        return generator if isinstance(generator, cst.Call) else None

    def _sync_twin_call(self, generator: cst.Call) -> Tuple[Optional[cst.Call], str]:
        """(the call of the generator's sync twin, or None and why it cannot be proven)."""
        method = self_method_call(generator)
        if method is None or not self._functions_stack:
            return None, "the bridged generator is not a direct self.<method>(...) call of a class: rewrite by hand"
        functions = self._functions_stack[-1]
        function = functions.get(method)
        if function is None:
            return None, (f"self.{method}() is not defined in this class (inherited?): its sync twin cannot be "
                          "checked; rewrite by hand")
        if function.asynchronous is None or not is_generator(function):
            return None, (f"self.{method}() is not an async generator (async def with yield) of this class: "
                          "rewrite by hand")
        sync_name = self._names.to_sync(method, self._methods_stack[-1]) or method
        current = self._function_stack[-1].name.value if self._function_stack else None
        if sync_name == current:
            return None, (f"the sync twin of self.{method}() is {sync_name}() itself: yield from it would recurse "
                          "forever; rewrite by hand")
        twin_exists = sync_name != method and sync_name in self._sync_methods_stack[-1]
        if not twin_exists and self._generated_sync_twin(method, function) != sync_name:
            return None, (f"self.{method}() has no sync twin {sync_name}() and AGM007 generates none (only for "
                          "run_*/_run_* subflows of Workflow subclasses): rewrite by hand")
        assert isinstance(generator.func, cst.Attribute)
        return generator.with_changes(func=generator.func.with_changes(attr=cst.Name(sync_name))), ""

    def _generated_sync_twin(self, method: str, function: cst.FunctionDef) -> Optional[str]:
        """The name of the sync twin AGM007 will generate for the async ``method``, if any (its plan, step 1)."""
        if not self._twinned_stack or not self._twinned_stack[-1]:
            return None
        if function.decorators or method == "run" or marker_of(function)[0] is not None:
            return None
        functions = self._functions_stack[-1]
        if self._names.is_subflow_name(method):
            return method if self._names.to_async(method) not in functions else None
        sync_name = self._names.to_sync(method, set(functions))
        if sync_name and self._names.is_subflow_name(sync_name) and sync_name not in functions:
            return sync_name
        return None

    def visit_Call(self, node: cst.Call) -> None:
        """``asyncio.run(<helper name>(gen))`` where the function of that name defined here
        does more than drain ``gen`` into a list: left alone, saying why."""
        assert self._imports is not None
        if not self._not_drains or not self._imports.is_asyncio(node.func, "run") or len(node.args) != 1:
            return
        collect = node.args[0].value
        if not isinstance(collect, cst.Call):
            return
        func = collect.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
        if name in self._not_drains and name not in self._helpers():
            self.report(node, f"{name}() here is not a plain drain (`out = []; async for r in gen: "
                              "out.append(r); return out`): it does more (catches errors, filters, writes "
                              "state...), which yielding from the sync twin would drop; rewrite by hand",
                        fixed=False)

    def _report_streaming(self, original: cst.CSTNode, message: str, generator: cst.Call,
                          loop: Optional[cst.For]) -> bool:
        """Report the streaming rewrite of a bridge, an unsafe fix when :meth:`_streaming_hazard`
        finds one; False when that fix is held back (the caller leaves the bridge as it is)."""
        hazard = self._streaming_hazard(generator, loop)
        if hazard is not None:
            message += f" (unsafe: {hazard})"
            if self.hold_unsafe_fix(original, message):
                return False
        self.report(original, message, unsafe=hazard is not None)
        return True

    def _streaming_hazard(self, generator: cst.Call, loop: Optional[cst.For]) -> Optional[str]:
        """Why streaming the sync twin instead of collecting first may change what some
        side observes, or None when neither the subflow (with the methods and module
        functions it calls) nor the consumer loop's body writes state another side can
        see (see :func:`codemods.patterns.observable_write`)."""
        method = self_method_call(generator)
        methods = self._functions_stack[-1] if self._functions_stack else {}
        function = methods.get(method or "")
        if function is None:
            return f"self.{method}() cannot be seen"
        write = function_observable_write(function, methods, self._module_functions)
        if write:
            return (f"self.{method}() writes {write}, which its consumer can now see between items "
                    "(before, the whole subflow had run before the first item)")
        if loop is not None and self._function_stack:
            enclosing = self._function_stack[-1]
            handed_on = {root_name(arg.value) for arg in generator.args}
            fresh = fresh_locals(enclosing) - handed_on
            write = observable_write(loop.body, fresh, methods, self._module_functions, {id(enclosing)})
            if write:
                return (f"the loop's body writes {write}, which self.{method}() can now see while it runs "
                        "(before, it had finished before the body ran)")
        return None

    def _in_sync_function(self) -> bool:
        return bool(self._function_stack) and self._function_stack[-1].asynchronous is None

    # -- rewriting -------------------------------------------------------------------
    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        if not self._in_sync_function():
            return updated_node
        statements = list(updated_node.body)
        originals = list(original_node.body)
        result: List[cst.BaseStatement] = []
        index = 0
        changed = False
        while index < len(statements):
            statement, original = statements[index], originals[index] if index < len(originals) else statements[index]
            following = statements[index + 1] if index + 1 < len(statements) else None
            replacement, consumed = self._rewrite(statement, original, following)
            if replacement is None:
                result.append(statement)
            else:
                new = [replacement] if isinstance(replacement, cst.BaseStatement) else list(replacement)
                result.extend(_keep_comments(statements[index:index + consumed], new))
                changed = True
            index += consumed
        return updated_node.with_changes(body=result) if changed else updated_node

    def _rewrite(
        self, statement: cst.BaseStatement, original: cst.BaseStatement, following: Optional[cst.BaseStatement]
    ) -> "tuple[Optional[Replacement], int]":
        # for r in <bridge>: ...
        if isinstance(statement, cst.For) and statement.asynchronous is None:
            generator = self._bridge_generator(statement.iter)
            if generator is not None:
                twin, why = self._sync_twin_call(generator)
                if twin is None:
                    self.report(original, why, fixed=False)
                    return None, 1
                early = _exits_early(statement.body)
                if self._guarded() or early:
                    # Collect first, as the bridge did: a loop that may stop early (break, return,
                    # raise) must not stop the subflow midway, and a handler must see nothing yielded.
                    lines, variable = self._collected(twin, self._taken[-1], statement)
                    if early:
                        self.report(original, f"bridge iterated by a loop that may stop early ({early}): collect "
                                              "the sync twin's items first, then iterate them (the subflow still "
                                              "runs to its end, as before)")
                    else:
                        self._report_collected(original)
                    return [*lines, statement.with_changes(iter=cst.Name(variable), leading_lines=[])], 1
                if not self._report_streaming(original, "bridge collects an async generator; iterate the sync "
                                              "twin instead", generator, statement):
                    return None, 1
                return statement.with_changes(iter=twin), 1
            return None, 1
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            self._warn_if_contains_bridge(statement, original)
            return None, 1
        small = statement.body[0]
        # yield from <bridge>
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Yield) and isinstance(small.value.value, cst.From):
            generator = self._bridge_generator(small.value.value.item)
            if generator is not None:
                return self._yield_from_twin(statement, original, generator, None), 1
        # responses = <bridge>; yield from responses
        assignment = self._bridge_assignment(statement)
        if assignment is not None:
            variable, generator = assignment
            if following is not None and self._is_yield_from_name(following, variable) and self._used_only_in_pairs(
                variable
            ):
                replacement = self._yield_from_twin(statement, original, generator, variable)
                if replacement is not None and not isinstance(replacement, cst.BaseStatement):
                    return [*replacement, following], 2
                return replacement, 2 if replacement is not None else 1
            self._warn_used_otherwise(original)
            return None, 1
        self._warn_if_contains_bridge(statement, original)
        return None, 1

    def _yield_from_twin(
        self,
        statement: cst.SimpleStatementLine,
        original: cst.BaseStatement,
        generator: cst.Call,
        variable: Optional[str],
    ) -> Optional[Replacement]:
        """``yield from`` the sync twin, or (in a try/with) collect it first.

        With ``variable`` (the two-line form), the collected form fills that
        variable and the caller keeps the ``yield from variable`` line.
        """
        twin, why = self._sync_twin_call(generator)
        if twin is None:
            self.report(original, why, fixed=False)
            return None
        if self._guarded():
            lines, collected = self._collected(twin, self._taken[-1], statement, variable)
            self._report_collected(original)
            if variable is not None:
                return lines
            last = cst.SimpleStatementLine(
                body=[cst.Expr(value=cst.Yield(value=cst.From(item=cst.Name(collected))))],
                trailing_whitespace=statement.trailing_whitespace,
            )
            return [*lines, last]
        if not self._report_streaming(original, "bridge collects an async generator before yielding; yield from "
                                      "the sync twin", generator, None):
            return None
        new_line = cst.Expr(value=cst.Yield(value=cst.From(item=twin)))
        return statement.with_changes(body=[new_line])

    def _collected(
        self,
        twin: cst.Call,
        taken: Set[str],
        statement: Union[cst.SimpleStatementLine, cst.For],
        variable: Optional[str] = None,
    ) -> Tuple[List[cst.BaseStatement], str]:
        """``<list> = []`` and ``for <item> in twin: <list>.append(<item>)``, and the list's name.

        The first line takes ``statement``'s leading lines (its comments).
        """
        collected = variable or unique_name("responses", taken)
        item = unique_name("response", taken)
        init = cst.SimpleStatementLine(
            body=[cst.Assign(targets=[cst.AssignTarget(target=cst.Name(collected))], value=cst.List(elements=[]))],
            leading_lines=statement.leading_lines,
        )
        append = cst.Call(func=cst.Attribute(value=cst.Name(collected), attr=cst.Name("append")),
                          args=[cst.Arg(value=cst.Name(item))])
        loop = cst.For(
            target=cst.Name(item),
            iter=twin,
            body=cst.IndentedBlock(body=[cst.SimpleStatementLine(body=[cst.Expr(value=append)])]),
        )
        return [init, loop], collected

    def _report_collected(self, node: cst.CSTNode) -> None:
        self.report(
            node,
            "bridge inside a try/with: collect the sync twin's items, then yield them (as before: a failure "
            "yields nothing before the handler runs)",
        )

    @staticmethod
    def _is_yield_from_name(statement: cst.BaseStatement, variable: str) -> bool:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return False
        small = statement.body[0]
        return (
            isinstance(small, cst.Expr)
            and isinstance(small.value, cst.Yield)
            and isinstance(small.value.value, cst.From)
            and isinstance(small.value.value.item, cst.Name)
            and small.value.value.item.value == variable
        )

    def _used_only_in_pairs(self, variable: str) -> bool:
        """Every use of ``variable`` in the function is a ``variable = <bridge>`` /
        ``yield from variable`` pair, so rewriting the pairs leaves no use behind.

        Several branches may reuse one name (``responses`` in each ``if`` arm).
        """
        function = self._function_stack[-1]
        pairs = 0
        rule = self

        class _Pairs(cst.CSTVisitor):
            def visit_IndentedBlock(self, block: cst.IndentedBlock) -> None:
                nonlocal pairs
                for first, second in zip(block.body, block.body[1:]):
                    assignment = rule._bridge_assignment(first)
                    if assignment is not None and assignment[0] == variable and rule._is_yield_from_name(
                        second, variable
                    ):
                        pairs += 1

        function.body.visit(_Pairs())
        return pairs > 0 and count_name(function.body, variable) == 2 * pairs

    def _bridge_assignment(self, statement: cst.BaseStatement) -> Optional[Tuple[str, cst.Call]]:
        """``<name> = <bridge>`` -> ``(name, the generator call)``, else None."""
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        small = statement.body[0]
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)):
            return None
        generator = self._bridge_generator(small.value)
        return None if generator is None else (small.targets[0].target.value, generator)

    def _warn_used_otherwise(self, node: cst.CSTNode) -> None:
        self.report(
            node,
            "the bridge's result is used other than by `yield from`/`for` (indexed, counted, passed on): "
            "rewrite by hand",
            fixed=False,
        )

    def _warn_if_contains_bridge(self, statement: cst.BaseStatement, original: cst.BaseStatement) -> None:
        if isinstance(statement, cst.SimpleStatementLine) and self._contains_bridge(statement):
            self._warn_used_otherwise(original)

    def _contains_bridge(self, node: cst.CSTNode) -> bool:
        found = False
        rule = self

        class _Finder(cst.CSTVisitor):
            def visit_Call(self, call: cst.Call) -> None:
                nonlocal found
                if rule._bridge_generator(call) is not None:
                    found = True

        node.visit(_Finder())
        return found

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if original_node is not updated_node and not updated_node.deep_equals(original_node):
            assert self._imports is not None
            for module_alias in self._imports.asyncio_modules:
                self.remove_unused_import("asyncio", asname=None if module_alias == "asyncio" else module_alias)
            for local, attribute in self._imports.asyncio_names.items():
                if attribute == "run":
                    self.remove_unused_import("asyncio", "run", None if local == "run" else local)
        return updated_node


def _comments(nodes: Sequence[cst.CSTNode]) -> List[str]:
    found: List[str] = []

    class _Comments(cst.CSTVisitor):
        def visit_Comment(self, node: cst.Comment) -> None:
            found.append(node.value)

    for node in nodes:
        node.visit(_Comments())
    return found


def _keep_comments(old: Sequence[cst.BaseStatement], new: List[cst.BaseStatement]) -> List[cst.BaseStatement]:
    """``new`` with every comment of ``old`` it lost (inside the bridge's parentheses,
    on a ``yield from`` line it absorbed) as comment lines above its first statement,
    in their order."""
    remaining = _comments(new)
    lost: List[str] = []
    for comment in _comments(old):
        if comment in remaining:
            remaining.remove(comment)
        else:
            lost.append(comment)
    if not lost or not new:
        return new
    first = new[0]
    leading: Sequence[cst.EmptyLine] = getattr(first, "leading_lines", ())  # every statement kind has them
    lines = [*leading, *(cst.EmptyLine(comment=cst.Comment(comment)) for comment in lost)]
    return [first.with_changes(leading_lines=lines), *new[1:]]


def _exits_early(body: cst.BaseSuite) -> Optional[str]:
    """What may end a ``for`` loop over a bridge before the collected items run out: a
    ``break`` of this loop, or a ``return``/``raise`` (not inside a nested function)."""

    class Finder(cst.CSTVisitor):
        def __init__(self) -> None:
            self.found: Optional[str] = None
            self.loops = 0

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

        def visit_For(self, node: cst.For) -> None:
            self.loops += 1

        def leave_For(self, original_node: cst.For) -> None:
            self.loops -= 1

        def visit_While(self, node: cst.While) -> None:
            self.loops += 1

        def leave_While(self, original_node: cst.While) -> None:
            self.loops -= 1

        def visit_Break(self, node: cst.Break) -> None:
            if self.loops == 0:
                self.found = self.found or "break"

        def visit_Return(self, node: cst.Return) -> None:
            self.found = self.found or "return"

        def visit_Raise(self, node: cst.Raise) -> None:
            self.found = self.found or "raise"

    finder = Finder()
    body.visit(finder)
    return finder.found
