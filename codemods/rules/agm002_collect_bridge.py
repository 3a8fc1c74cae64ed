"""AGM002 collect-bridge: the ``asyncio.run(self._collect_async_responses(gen))`` bridge."""

from __future__ import annotations

import sys
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst

from codemods.names import NameMap
from codemods.patterns import (
    ModuleImports,
    class_method_names,
    count_name,
    MUTATING_METHODS,
    dotted_name,
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
    subflow finished.  Also counted as writes, on either side: a method call
    on an object ``self`` holds (``self.budget.charge(...)``) unless the method
    only reads (``get``, ``items``, ``copy``, ``startswith``...); a call of a
    function imported from the project (a relative import such as ``from
    .audit import record``, or a package neither of the standard library nor
    agno's), whose writes are not visible here; and a change in place
    (``sources.append(...)``, ``x[k] = ...``, ``x.a = ...``) of a local object an
    item already yielded holds (``yield RunResponse(...,
    extra_data=RunResponseExtraData(references=sources))``), after that yield
    or the next time round a loop that yields.  Calls on agents
    (``self.agent.arun(...)``, ``run``, ``print_response``) are not counted as
    writes (their own run state is not workflow state) unless the agent runs
    tools that write: a tool listed in its construction the class shows
    (``self.agent = Agent(..., tools=[self.lookup])`` or a class attribute)
    that is a method of the class or a function of the module that writes, one
    imported from the project, or tools that cannot be seen (the agent is not
    built in the class, e.g. a bare ``agent: Agent`` field, or ``tools=`` is not
    a list).  agno's own
    run wrapper is a consumer that writes too: it appends each item's content
    to ``self.run_response`` and stamps ``run_id``/``session_id``/``workflow_id``
    on each item as it passes, so a subflow that reads ``self.run_response``
    after a yield, or uses an item again after yielding it, is an unsafe fix.

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
        self._project_imports: Dict[str, str] = {}  # local name -> the project module it comes from
        self._module_classes: Set[str] = set()
        self._agents_stack: List[Dict[str, List[Optional[cst.Call]]]] = []  # per class: self.<attr> -> values

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
        self._project_imports = _project_imports(node)
        self._module_classes = {s.name.value for s in node.body if isinstance(s, cst.ClassDef)}
        if "AGM007" in self.options.get("selected_rules", ()):
            self._workflow_classes = workflow_class_names(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        self._class_stack.append({f.name.value for f in iter_functions(body) if is_collect_helper(f)})
        self._methods_stack.append(class_method_names(node))
        self._sync_methods_stack.append({f.name.value for f in iter_functions(body) if f.asynchronous is None})
        self._functions_stack.append({f.name.value: f for f in iter_functions(body)})
        self._twinned_stack.append(node.name.value in self._workflow_classes)
        self._agents_stack.append(_attribute_values(node))

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self._class_stack.pop()
        self._methods_stack.pop()
        self._sync_methods_stack.pop()
        self._functions_stack.pop()
        self._twinned_stack.pop()
        self._agents_stack.pop()
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
        write = write or self._hidden_write(function.body, methods, {id(function)}, function)
        if write:
            return (f"self.{method}() writes {write}, which its consumer can now see between items "
                    "(before, the whole subflow had run before the first item)")
        observed = wrapper_observation(function, methods, self._module_functions)
        if observed:
            return f"self.{method}() {observed} (before, the whole subflow had run before the first item)"
        if loop is not None and self._function_stack:
            enclosing = self._function_stack[-1]
            handed_on = {root_name(arg.value) for arg in generator.args}
            fresh = fresh_locals(enclosing) - handed_on
            write = observable_write(loop.body, fresh, methods, self._module_functions, {id(enclosing)})
            write = write or self._hidden_write(loop.body, methods, {id(enclosing)}, consumer=True)
            if write:
                return (f"the loop's body writes {write}, which self.{method}() can now see while it runs "
                        "(before, it had finished before the body ran)")
        return None

    def _hidden_write(self, node: cst.CSTNode, methods: Dict[str, cst.FunctionDef], seen: Set[int],
                      function: Optional[cst.FunctionDef] = None, consumer: bool = False) -> Optional[str]:
        """A write :func:`observable_write` does not see, in ``node`` (the body of ``function``,
        if given) or the methods of the class and functions of the module it calls, described:

        * on the ``consumer`` side (the loop's body, which the subflow now runs between):
          ``self.x.m(...)``, a method of an object ``self`` holds, not known to only read
          (``get``, ``items``, ``startswith``...);
        * ``self.agent.arun(...)`` (``run``/``print_response``...) when the agent's tools, as
          the class shows its construction, include a method of the class or a function of
          the module that writes, or cannot be seen (not built here, ``tools=`` not a list);
        * a call of a function imported from the project (a relative import, or a package
          neither of the standard library nor agno's): its writes are not visible here;
        * a change of a local mutable object an item already yielded holds
          (``yield RunResponse(..., extra_data=X(references=sources))`` then
          ``sources.append(...)``): the consumer holds the item while it changes.
        """
        agents = self._agents_stack[-1] if self._agents_stack else {}
        rule = self
        found: List[str] = []
        if function is not None:
            shared = _yielded_then_changed(function)
            if shared:
                return shared

        def follow(called: cst.FunctionDef, spelled: str) -> None:
            if id(called) in seen:
                return
            seen.add(id(called))
            inner = rule._hidden_write(called.body, methods, seen, called, consumer)
            if inner:
                found.append(f"{inner} (in {spelled})")

        class _Finder(cst.CSTVisitor):
            def visit_Call(self, call: cst.Call) -> None:
                if found:
                    return
                func = call.func
                if isinstance(func, cst.Name):
                    called = rule._module_functions.get(func.value)
                    if called is not None:
                        follow(called, f"{func.value}()")
                    elif func.value in rule._project_imports and not func.value[:1].isupper():
                        found.append(f"{func.value}(...), imported from {rule._project_imports[func.value]}, "
                                     "which may change state there")
                    return
                if not isinstance(func, cst.Attribute):
                    return
                receiver, attribute = func.value, func.attr.value
                if isinstance(receiver, cst.Name):
                    if receiver.value == "self":
                        called = methods.get(attribute)
                        if called is not None:
                            follow(called, f"self.{attribute}()")
                    elif receiver.value in rule._project_imports and not attribute[:1].isupper():
                        found.append(f"{_spell(func)}(...), imported from {rule._project_imports[receiver.value]}, "
                                     "which may change state there")
                    return
                if not _is_self_chain(receiver) or attribute in READ_ONLY_METHODS:
                    return
                if (isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name)
                        and receiver.value.value == "self" and receiver.attr.value not in methods
                        and attribute in AGENT_METHODS):
                    write = rule._agent_tools_write(receiver.attr.value, agents, methods, seen)
                    if write:
                        found.append(f"{write} (through {_spell(func)}(...))")
                    return
                if consumer:
                    found.append(f"{_spell(func)}(...), a method of an object self holds, which may change it")

        node.visit(_Finder())
        return found[0] if found else None

    def _agent_tools_write(self, attribute: str, agents: Dict[str, List[Optional[cst.Call]]],
                           methods: Dict[str, cst.FunctionDef], seen: Set[int]) -> Optional[str]:
        """What the tools of the agent ``self.<attribute>`` may write, described, or None when
        every construction of it the class shows has tools that visibly write nothing."""
        values = agents.get(attribute)
        unseen = f"the tools of self.{attribute}, which cannot be seen here"
        if not values:
            return f"{unseen} (it is not built in this class)"
        for value in values:
            constructions = self._constructions(value)
            if constructions is None:
                return unseen
            for call in constructions:
                if any(arg.star for arg in call.args):
                    return unseen
                tools = next((arg.value for arg in call.args if arg.keyword and arg.keyword.value == "tools"), None)
                if tools is None or (isinstance(tools, cst.Name) and tools.value == "None"):
                    continue
                if not isinstance(tools, (cst.List, cst.Tuple)):
                    return unseen
                for element in tools.elements:
                    write = self._tool_write(element, methods, seen)
                    if write:
                        return write
        return None

    def _constructions(self, value: Optional[cst.Call], depth: int = 0) -> Optional[List[cst.Call]]:
        """The ``Agent(...)``/``Team(...)`` calls ``value`` may be, or None when not visible."""
        if value is None or depth > 3:
            return None
        func = value.func
        name = func.value if isinstance(func, cst.Name) else func.attr.value if isinstance(func, cst.Attribute) else ""
        if name in ("Agent", "Team"):
            return [value]
        called = self._module_functions.get(name) if isinstance(func, cst.Name) else None
        if called is None:
            return None
        returned: List[cst.Call] = []
        for statement in _returns(called):
            if not isinstance(statement.value, cst.Call):
                return None
            inner = self._constructions(statement.value, depth + 1)
            if inner is None:
                return None
            returned.extend(inner)
        return returned or None

    def _tool_write(self, element: cst.BaseElement, methods: Dict[str, cst.FunctionDef],
                    seen: Set[int]) -> Optional[str]:
        value = element.value
        if isinstance(element, cst.StarredElement):
            return f"{_spell(value)}, tools that cannot be seen here"
        target: Optional[cst.FunctionDef] = None
        if isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name) and value.value.value == "self":
            target = methods.get(value.attr.value)
            if target is None:
                return f"its tool self.{value.attr.value}, which this class does not define"
        elif isinstance(value, cst.Name):
            target = self._module_functions.get(value.value)
            if target is None and value.value in self._project_imports:
                return f"its tool {value.value}, imported from {self._project_imports[value.value]}, which may write"
            if target is None and value.value in self._module_classes:
                return f"its tool {value.value}, a class of this module"
        elif isinstance(value, cst.Call):
            func = value.func
            name = func.value if isinstance(func, cst.Name) else None
            if name in self._module_classes or name in self._module_functions or name in self._project_imports:
                return f"its tool {_spell(value)}, which may write"
            return None  # a toolkit of a library (DuckDuckGoTools()...)
        else:
            return f"its tool {_spell(value)}, which cannot be seen here"
        if target is None or id(target) in seen:
            return None
        write = function_observable_write(target, methods, self._module_functions)
        write = write or self._hidden_write(target.body, methods, seen | {id(target)}, target)
        return f"{write} (in its tool {_spell(value)})" if write else None

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


# -- what agno's run wrapper does to each item as it passes ------------------------------
# agno 1.x's Workflow.run_workflow (and arun_workflow_generator) consume what run() yields
# one item at a time: each RunResponse/event gets these attributes stamped on it, and its
# string content is appended to ``self.run_response.content``, before the next item is
# asked for.  Collected first, the subflow had finished before the wrapper saw any item;
# streamed, the subflow runs on after the wrapper has consumed the items it yielded.
#: Attributes the wrapper sets on every item it passes on.
STAMPED_ATTRIBUTES = frozenset({"run_id", "session_id", "workflow_id"})
#: Methods that add to a container (relating the container to what is put into it).
_CONTAINER_ADDS = frozenset({"append", "extend", "insert", "add", "appendleft", "extendleft", "setdefault",
                             "update", "put", "put_nowait"})
#: Builtins that see only an object's identity, type or truth, which the wrapper does not change.
_IDENTITY_BUILTINS = frozenset({"isinstance", "type", "id", "callable", "len", "bool", "hasattr", "iter"})
_STAMPS = "and agno's run wrapper stamps run_id/session_id/workflow_id on each item as it passes"
_EXTENDS = "which agno's run wrapper extends with each item's content as it passes"
_CHANGED = ("which its consumer (and agno's run wrapper, which takes each item's content as it passes) now gets "
            "before the change")


def _spell(node: cst.CSTNode) -> str:
    text = cst.Module(body=[]).code_for_node(node)
    return text if len(text) <= 60 else text[:57] + "..."


def _object_key(expression: cst.BaseExpression) -> Optional[str]:
    """The variable holding the object ``expression`` reaches: ``header`` for ``header``,
    ``items[0]`` or ``box.item``; ``self.header`` for ``self.header`` or ``self.header.x``;
    None for anything else (a call's result, a literal, ``self`` itself)."""
    node = expression
    first: Optional[cst.BaseExpression] = None
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        first = node
        node = node.value
    if not isinstance(node, cst.Name) or node.value in ("None", "True", "False"):
        return None
    if node.value != "self":
        return node.value
    return f"self.{first.attr.value}" if isinstance(first, cst.Attribute) else None


def _object_keys(expression: Optional[cst.BaseExpression]) -> List[str]:
    if expression is None:
        return []
    if isinstance(expression, (cst.Tuple, cst.List, cst.Set)):
        return [key for element in expression.elements for key in _object_keys(element.value)]
    if isinstance(expression, cst.StarredElement):
        return _object_keys(expression.value)
    key = _object_key(expression)
    return [key] if key else []


def _is_variable(name: cst.Name, above: Sequence[cst.CSTNode]) -> bool:
    """``name`` (whose parent node is ``above[0]``, if any) spells a variable, not an
    attribute, a keyword argument, a parameter or a definition's name."""
    if not above:
        return True
    parent = above[0]
    if isinstance(parent, cst.Attribute):
        return parent.attr is not name
    if isinstance(parent, cst.Arg):
        return parent.keyword is not name
    return not isinstance(parent, (cst.Param, cst.FunctionDef, cst.ClassDef, cst.ImportAlias))


def _is_self_run_response(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.Attribute):
        return (node.attr.value == "run_response" and isinstance(node.value, cst.Name)
                and node.value.value == "self")
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "getattr":
        args = node.args
        return (len(args) >= 2 and isinstance(args[0].value, cst.Name) and args[0].value.value == "self"
                and isinstance(args[1].value, cst.SimpleString)
                and args[1].value.evaluated_value == "run_response")
    return False


class _Facts(cst.CSTVisitor):
    """One function's body in source order (pre-order indices): its loops, yields, calls,
    the variables it yields and relates to each other, and its reads of state."""

    def __init__(self) -> None:
        super().__init__()
        self.index = 0
        self.parents: Dict[int, cst.CSTNode] = {}
        self.stack: List[cst.CSTNode] = []
        self.loops: List[List[int]] = []  # [start, end]
        self._open: Dict[int, List[int]] = {}
        self.yields: List[Tuple[int, List[str]]] = []  # (end of the yield, the variables it yields)
        self._yield_start: Dict[int, Tuple[int, List[str]]] = {}
        self.run_response_reads: List[Tuple[int, cst.CSTNode]] = []
        self.calls: List[Tuple[int, cst.Call]] = []
        self.occurrences: List[Tuple[int, str, cst.BaseExpression]] = []  # (index, key, the Name/self.x node)
        self.relations: List[Tuple[str, str]] = []
        self.bindings: List[Tuple[int, str]] = []  # (index, variable) where a statement or loop rebinds it

    def _relate(self, left: Optional[cst.BaseExpression], right: Optional[cst.BaseExpression]) -> None:
        if isinstance(left, cst.Name):
            self.bindings.append((self.index, left.value))
        for a in _object_keys(left):
            for b in _object_keys(right):
                self.relations.append((a, b))

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.index += 1
        if self.stack:
            self.parents[id(node)] = self.stack[-1]
        self.stack.append(node)
        here = self.index
        if isinstance(node, (cst.For, cst.While)):
            self._open[id(node)] = [here, here]
            self.loops.append(self._open[id(node)])
        if isinstance(node, cst.Yield):
            value = node.value.item if isinstance(node.value, cst.From) else node.value
            self._yield_start[id(node)] = (here, _object_keys(value))
        if _is_self_run_response(node):
            self.run_response_reads.append((here, node))
        if isinstance(node, cst.Call):
            self.calls.append((here, node))
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value in _CONTAINER_ADDS:
                for arg in node.args:
                    self._relate(func.value, arg.value)
        if isinstance(node, cst.Name) and node.value != "self" and _is_variable(node, self.stack[-2:-1]):
            self.occurrences.append((here, node.value, node))
        elif isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
            self.occurrences.append((here, f"self.{node.attr.value}", node))
        if isinstance(node, cst.Assign):
            for target in node.targets:
                self._relate(target.target, node.value)
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign, cst.NamedExpr)):
            self._relate(node.target, node.value)
        elif isinstance(node, (cst.For, cst.CompFor)):
            self._relate(node.target, node.iter)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()
        loop = self._open.pop(id(original_node), None)
        if loop is not None:
            loop[1] = self.index
        started = self._yield_start.pop(id(original_node), None)
        if started is not None:
            self.yields.append((self.index, started[1]))


def _use_of_yielded(facts: _Facts, node: cst.BaseExpression, name: str) -> Optional[Tuple[str, str]]:
    """How the use ``node`` of an object already yielded observes what the wrapper did
    to it, described, or None when it cannot (rebinding the name, reading a data
    attribute such as ``content``, an ``is``/truth/``isinstance`` test)."""
    parent = facts.parents.get(id(node))
    if isinstance(parent, (cst.Yield, cst.From)):
        return None  # yielded again: the same object either way
    attributes: List[str] = []
    top = node
    while True:
        parent = facts.parents.get(id(top))
        if isinstance(parent, cst.Attribute) and parent.value is top:
            attributes.append(parent.attr.value)
        elif not (isinstance(parent, cst.Subscript) and parent.value is top):
            break
        top = parent
    parent = facts.parents.get(id(top))
    stored = (
        (isinstance(parent, cst.AssignTarget) and parent.target is top)
        or (isinstance(parent, (cst.AnnAssign, cst.AugAssign, cst.NamedExpr, cst.For, cst.CompFor))
            and parent.target is top)
        or (isinstance(parent, cst.AsName) and parent.name is top)
        or (isinstance(parent, cst.Del) and parent.target is top)
    )
    if stored:
        # Rebinding the name changes no yielded object; storing into one changes what the
        # consumer now holds already (before, it got the item after the change).
        return None if top is node and isinstance(node, cst.Name) else (f"changes {_spell(top)} after yielding {name}",
                                                                         _CHANGED)
    if any(a in STAMPED_ATTRIBUTES for a in attributes):
        return f"reads {_spell(top)} after yielding {name}", _STAMPS
    if isinstance(parent, cst.Call) and parent.func is top and attributes:
        method = attributes[-1]
        if len(attributes) > 1 or method in _CONTAINER_ADDS:
            return None  # a method of a data attribute (header.content.strip()), or adding to a list
        return f"calls {_spell(top)}() after yielding {name}", _STAMPS
    if attributes:
        return None  # a data attribute (content, metrics...): the wrapper does not change it
    if isinstance(parent, (cst.Assign, cst.AnnAssign, cst.NamedExpr)) and parent.value is top:
        targets = [t.target for t in parent.targets] if isinstance(parent, cst.Assign) else [parent.target]
        if all(_object_keys(t) for t in targets):
            return None  # another name for it: its uses are followed as this one's (see _Facts.relations)
    if isinstance(parent, cst.Arg):
        call = facts.parents.get(id(parent))
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in _IDENTITY_BUILTINS:
            return None
        if (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
                and call.func.attr.value in _CONTAINER_ADDS and _object_key(call.func.value)):
            return None  # put into a container: its uses are followed as this one's
    if isinstance(parent, cst.Comparison) and all(
        isinstance(target.operator, (cst.Is, cst.IsNot)) for target in parent.comparisons
    ):
        return None
    if isinstance(parent, (cst.If, cst.While, cst.BooleanOperation, cst.UnaryOperation, cst.IfExp)) and (
        getattr(parent, "test", None) is top or isinstance(parent, (cst.BooleanOperation, cst.UnaryOperation))
    ):
        return None
    if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is top:
        return None  # its items are followed through the loop's target
    return f"uses {_spell(top)} after yielding {name}", _STAMPS


def wrapper_observation(
    function: cst.FunctionDef,
    methods: Dict[str, cst.FunctionDef],
    functions: Dict[str, cst.FunctionDef],
) -> Optional[str]:
    """What ``function`` (a subflow) or a method/module function it calls reads after a
    yield that agno's run wrapper writes while it consumes the items, described
    (``"reads self.run_response.content, which ..."``), or None.

    * ``self.run_response`` (any attribute of it): the wrapper appends each item's
      content to ``self.run_response.content`` as it passes.
    * an object the subflow yielded and uses afterwards (``header.run_id``,
      ``header.to_dict()``, passing ``header`` on, storing into it): the wrapper stamps
      run_id/session_id/workflow_id on each item as it passes.  Variables related by
      assignment, a loop or adding to a container count as holding the same objects.
    """
    seen: Set[Tuple[int, bool, frozenset]] = set()

    def scan(target: cst.FunctionDef, all_after: bool, inherited: frozenset) -> Optional[Tuple[str, str]]:
        mark = (id(target), all_after, inherited)
        if mark in seen:
            return None
        seen.add(mark)
        facts = _Facts()
        target.body.visit(facts)

        # Variables holding the same objects: one component each.
        components = _Components(facts.relations)
        find, parent = components.find, components.parent
        yielded: Dict[str, List[int]] = {}
        for end, keys in facts.yields:
            for key in keys:
                yielded.setdefault(find(key), []).append(end)

        def after(index: int, ends: Sequence[int], key: Optional[str] = None) -> bool:
            """``index`` runs after one of the yields ending at ``ends``: later in the body, or
            earlier in a loop around that yield (the next time round), unless the loop binds
            ``key`` anew before it (``for response in stream: ...; yield response``)."""
            return any(end < index for end in ends) or any(
                start <= index <= stop and any(start <= end <= stop for end in ends)
                and not any(start <= bound < index and name == key for bound, name in facts.bindings)
                for start, stop in facts.loops
            )

        every_yield = [end for end, _ in facts.yields]
        for index, node in facts.run_response_reads:
            if all_after or after(index, every_yield):
                above = facts.parents.get(id(node))
                shown = above if isinstance(above, cst.Attribute) and above.value is node else node
                return f"reads {_spell(shown)}", _EXTENDS
        for index, key, node in facts.occurrences:
            ends = yielded.get(find(key))
            if key in inherited or (ends and after(index, ends, key)):
                use = _use_of_yielded(facts, node, key)
                if use:
                    return use
        for index, call in facts.calls:
            func = call.func
            if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self":
                callee, spelled = methods.get(func.attr.value), f"self.{func.attr.value}()"
            elif isinstance(func, cst.Name):
                callee, spelled = functions.get(func.value), f"{func.value}()"
            else:
                continue
            if callee is None or callee is target:
                continue
            keys = frozenset(
                key for key, ends in ((k, yielded.get(find(k))) for k in parent)
                if key.startswith("self.") and ends and after(index, ends)
            )
            found = scan(callee, all_after or after(index, every_yield), inherited | keys)
            if found:
                return f"{found[0]} (in {spelled})", found[1]
        return None

    found = scan(function, False, frozenset())
    return f"{found[0]}, {found[1]}" if found else None


# -- writes the shared analysis (codemods.patterns.observable_write) does not see -------------
#: Methods that only read the object they are called on.
READ_ONLY_METHODS = frozenset({
    "get", "keys", "values", "items", "copy", "count", "index", "__len__", "__contains__", "__getitem__",
    "__iter__", "__repr__", "__str__", "__eq__", "__hash__", "__bool__",
    "startswith", "endswith", "strip", "lstrip", "rstrip", "lower", "upper", "title", "capitalize", "casefold",
    "swapcase", "split", "rsplit", "splitlines", "join", "format", "format_map", "replace", "find", "rfind",
    "rindex", "encode", "decode", "partition", "rpartition", "zfill", "center", "ljust", "rjust", "expandtabs",
    "translate", "removeprefix", "removesuffix", "isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum",
    "isspace", "islower", "isupper", "istitle", "isidentifier", "isprintable", "isascii",
    "issubset", "issuperset", "isdisjoint", "union", "intersection", "difference", "symmetric_difference",
    "to_dict", "model_dump", "model_dump_json", "json", "get_content_string", "isoformat", "strftime",
    "timestamp", "is_set", "done", "cancelled", "qsize", "empty", "full",
})
#: What an agent (or team) runs: not a write of the workflow's, except through its tools.
AGENT_METHODS = frozenset({"run", "arun", "print_response", "aprint_response"})
#: Calls whose result holds no reference to their arguments.
_COPYING_CALLS = frozenset({"str", "repr", "len", "int", "float", "bool", "list", "tuple", "dict", "set",
                            "frozenset", "sorted", "format", "hash", "id", "sum", "min", "max", "abs", "round",
                            "isinstance", "type"})


def _is_self_chain(node: cst.BaseExpression) -> bool:
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return isinstance(node, cst.Name) and node.value == "self"


def _project_imports(module: cst.Module) -> Dict[str, str]:
    """Local name -> source for each top-level import from the project: a relative import,
    or an absolute one of a package neither of the standard library nor agno's."""
    found: Dict[str, str] = {}
    stdlib = set(getattr(sys, "stdlib_module_names", ())) | {"__future__"}

    def of_project(source: str) -> bool:
        top = source.split(".")[0]
        return bool(top) and top not in stdlib and top != "agno"

    def scan(statements: Sequence[cst.CSTNode]) -> None:
        for statement in statements:
            if isinstance(statement, cst.Try):
                scan(statement.body.body)
                continue
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        source = dotted_name(alias.name) or ""
                        if of_project(source):
                            local = alias.asname.name if alias.asname else alias.name
                            spelled = dotted_name(local) if isinstance(local, (cst.Name, cst.Attribute)) else None
                            if spelled:
                                found[spelled.split(".")[0]] = source
                elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                    source = "." * len(small.relative) + (dotted_name(small.module) or "" if small.module else "")
                    if small.relative or of_project(source):
                        for alias in small.names:
                            local = alias.asname.name if alias.asname else alias.name
                            if isinstance(local, cst.Name):
                                found[local.value] = source

    scan(module.body)
    return found


def _attribute_values(node: cst.ClassDef) -> Dict[str, List[Optional[cst.Call]]]:
    """Each ``self.<attr>`` (or class attribute) the class assigns: the calls it assigns
    (None for a value that is not a call)."""
    values: Dict[str, List[Optional[cst.Call]]] = {}
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    for target in small.targets:
                        if isinstance(target.target, cst.Name):
                            values.setdefault(target.target.value, []).append(
                                small.value if isinstance(small.value, cst.Call) else None)
                elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value:
                    values.setdefault(small.target.value, []).append(
                        small.value if isinstance(small.value, cst.Call) else None)

    class _Stores(cst.CSTVisitor):
        def _store(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
            if (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name)
                    and target.value.value == "self"):
                values.setdefault(target.attr.value, []).append(value if isinstance(value, cst.Call) else None)
            elif isinstance(target, (cst.Tuple, cst.List)):
                for element in target.elements:
                    self._store(element.value, None)

        def visit_Assign(self, small: cst.Assign) -> None:
            for target in small.targets:
                self._store(target.target, small.value)

        def visit_AnnAssign(self, small: cst.AnnAssign) -> None:
            if small.value is not None:
                self._store(small.target, small.value)

        def visit_AugAssign(self, small: cst.AugAssign) -> None:
            self._store(small.target, None)

    for function in iter_functions(body):
        function.body.visit(_Stores())
    return values


def _returns(function: cst.FunctionDef) -> List[cst.Return]:
    found: List[cst.Return] = []

    class _Returns(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_Return(self, node: cst.Return) -> None:
            found.append(node)

    function.visit(_Returns())
    return found


class _SharedFacts(_Facts):
    """:class:`_Facts` with the local names each yield's value holds (inside a call's
    arguments too: ``RunResponse(extra_data=X(references=sources))``) and the changes of
    objects in place (``x.append(...)``, ``x[k] = ...``, ``x.a = ...``, ``del x[k]``)."""

    def __init__(self) -> None:
        super().__init__()
        self.held: List[Tuple[int, Set[str]]] = []  # (end of the yield, names its value holds)
        self._held_start: Dict[int, Set[str]] = {}
        self.changes: List[Tuple[int, str, cst.CSTNode]] = []  # (index, root name, the change)
        self.aliases: List[Tuple[str, str]] = []  # ``a = b``: two names for one object

    def _change(self, target: cst.BaseExpression, at: cst.CSTNode) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._change(element.value, at)
        elif isinstance(target, (cst.Attribute, cst.Subscript)):
            root = root_name(target)
            node = target
            while isinstance(node, (cst.Attribute, cst.Subscript)):
                node = node.value
            if isinstance(node, cst.Name) and root and root != "self":
                self.changes.append((self.index, root, at))

    def on_visit(self, node: cst.CSTNode) -> bool:
        result = super().on_visit(node)
        if isinstance(node, cst.Yield) and node.value is not None:
            value = node.value.item if isinstance(node.value, cst.From) else node.value
            self._held_start[id(node)] = _held_names(value)
        elif isinstance(node, cst.Assign):
            for target in node.targets:
                self._change(target.target, node)
                if isinstance(target.target, cst.Name) and isinstance(node.value, cst.Name):
                    self.aliases.append((target.target.value, node.value.value))
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign)) and getattr(node, "value", None) is not None:
            self._change(node.target, node)
        elif isinstance(node, cst.Del):
            self._change(node.target, node)
        elif (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
              and node.func.attr.value in MUTATING_METHODS):
            receiver = node.func.value
            while isinstance(receiver, (cst.Attribute, cst.Subscript)):
                receiver = receiver.value
            if isinstance(receiver, cst.Name) and receiver.value != "self":
                self.changes.append((self.index, receiver.value, node))
        return result

    def on_leave(self, original_node: cst.CSTNode) -> None:
        super().on_leave(original_node)
        held = self._held_start.pop(id(original_node), None)
        if held is not None:
            self.held.append((self.index, held))


def _held_names(value: cst.BaseExpression) -> Set[str]:
    """The variables whose objects ``value`` may hold a reference to (not those only read
    into a string or a copy: ``f"{x}"``, ``str(x)``, ``len(x)``; not the called names)."""
    names: Set[str] = set()

    class _Names(cst.CSTVisitor):
        def visit_FormattedString(self, node: cst.FormattedString) -> bool:
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_Call(self, node: cst.Call) -> bool:
            if isinstance(node.func, cst.Name) and node.func.value in _COPYING_CALLS:
                return False
            for arg in node.args:
                arg.value.visit(self)
            if not isinstance(node.func, cst.Name):
                node.func.visit(self)
            return False

        def visit_Attribute(self, node: cst.Attribute) -> bool:
            node.value.visit(self)
            return False

        def visit_Name(self, node: cst.Name) -> None:
            if node.value not in ("self", "None", "True", "False"):
                names.add(node.value)

    value.visit(_Names())
    return names


class _Components:
    """Names joined by ``pairs`` (``a`` and ``b`` hold the same objects), as union-find:
    :meth:`find` gives a name's component; :attr:`parent` holds every name seen."""

    def __init__(self, pairs: Iterable[Tuple[str, str]]) -> None:
        self.parent: Dict[str, str] = {}
        for a, b in pairs:
            self.parent[self.find(a)] = self.find(b)

    def find(self, key: str) -> str:
        parent = self.parent
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key


def _yielded_then_changed(function: cst.FunctionDef) -> Optional[str]:
    """A change in place, after a yield (later, or the next time round a loop around the
    yield), of a local object that yield's value holds, described; None if there is none."""
    facts = _SharedFacts()
    function.body.visit(facts)
    if not facts.held or not facts.changes:
        return None
    # not facts.relations: a list an item is put into is not held by the item
    find = _Components(facts.aliases).find
    held: Dict[str, List[int]] = {}
    for end, names in facts.held:
        for name in names:
            held.setdefault(find(name), []).append(end)
    for index, name, node in facts.changes:
        ends = held.get(find(name))
        if not ends:
            continue
        later = any(end < index for end in ends) or any(
            start <= index <= stop and any(start <= end <= stop for end in ends)
            and not any(start <= bound < index and bound_name == name for bound, bound_name in facts.bindings)
            for start, stop in facts.loops
        )
        if later:
            shown = node.func if isinstance(node, cst.Call) else node
            spelled = f"{_spell(shown)}(...)" if isinstance(node, cst.Call) else _spell(shown)
            return f"{spelled}, changing {name} while an item it yielded holds it"
    return None
