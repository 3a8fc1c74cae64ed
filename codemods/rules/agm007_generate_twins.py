"""AGM007 generate-twins: every workflow gets a native sync and a native async path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from codemods import target as python_target
from codemods.names import NameMap
from codemods.patterns import ModuleImports, agent_call_kind, dotted_name, self_method_call, workflow_class_names
from codemods.rule import Rule
from codemods.twins import (
    BOUNDARY_CLASS,
    marker_lines,
    marker_of,
    DEFAULT_BLOCKING_CALLS,
    ToAsync,
    ToSync,
    TwinContext,
    annotation_type_names,
    convert_annotation,
    is_generator,
)

@dataclass
class ClassPlan:
    """What AGM007 will do to one Workflow class."""

    renames: Dict[str, str] = field(default_factory=dict)  # async method old name -> async name
    sync_plan: Dict[str, str] = field(default_factory=dict)  # sync twin -> async source
    async_plan: Dict[str, str] = field(default_factory=dict)  # async twin -> sync source
    failed: Set[str] = field(default_factory=set)  # twins that cannot be generated


class GenerateTwins(Rule):
    """Generate the missing sync/async twins of a Workflow's methods.

    ## What it does
    For every ``agno.workflow.Workflow`` subclass:

    * async subflows named like sync ones (``async def _run_report_flow``) are
      renamed to the async spelling (``_arun_report_flow``) and get a sync twin
      under the old name: ``await`` removed, ``async for`` -> ``for``,
      ``AsyncIterator`` -> ``Iterator``, agent ``arun`` -> ``run`` (with an
      explicit ``stream=``), ``asyncio.TaskGroup`` -> the generated
      ``_BlockingTaskGroup`` boundary (one event loop for the whole fan-out);
    * a sync ``run`` without ``arun`` gets an async twin ``arun``: agent
      ``run`` -> ``await agent.arun(..., stream=...)``, ``yield from
      self._run_x(...)`` -> ``async for item in self._arun_x(...): yield item``,
      ``Iterator`` -> ``AsyncIterator``, ``time.sleep`` -> ``asyncio.sleep``,
      known blocking calls -> ``asyncio.to_thread``;
    * sync helpers that block (agent calls, sleeps, boundaries) and are called
      from async code get async twins too (``_route`` -> ``_aroute``), and the
      async code calls those instead of blocking the event loop.

    Names come from the name map (:mod:`codemods.names`, extendable with
    ``[tool.agno-migrate] name-map``).  Generated twins carry a
    ``# agno-migrate: generated from <source>()`` comment and are regenerated
    when their source changes; methods marked ``# agno-migrate: manual`` are
    never touched.  A method whose twin cannot be generated faithfully is left
    alone with a warning that names the construct.

    ## Why is this bad
    A workflow with only an async body bridged from ``run()`` cannot stream
    and cannot be awaited; one with only a sync ``run()`` blocks every event
    loop it is called from.  agno 1.x calls ``arun`` natively when it exists.

    ## Example
    ```python
    def run(self, message: str) -> Iterator[RunResponse]:
        yield from self._run_report_flow(message)
    ```
    gains
    ```python
    # agno-migrate: generated from run(); edit that method, not this one
    async def arun(self, message: str) -> AsyncIterator[RunResponse]:
        async for item in self._arun_report_flow(message):
            yield item
    ```

    ## Fix safety
    Adds code; the original methods keep their behaviour, with one visible
    change: an async subflow spelled like a sync one is renamed ``_arun_*`` and
    its sync twin takes the old name.  Every caller in the files of the same run
    is checked (the engine leaves the file alone when one would break); callers
    outside the paths given are not known.

    ## Left alone
    A method whose twin cannot be generated faithfully (an agent stream used
    outside a ``for`` loop, ``asyncio.run`` with options, an event loop started
    in the method or in a nested function, a generator that returns a value,
    ``yield from`` used as an expression, async constructs without a sync
    counterpart, the ``_BlockingTaskGroup`` boundary below Python 3.11), each
    with a finding naming the construct; methods marked
    ``# agno-migrate: manual``.
    """

    code = "AGM007"
    name = "generate-twins"
    summary = "workflows need native sync and async paths: generate the missing twins"
    DESCRIPTION = f"{code} {name}: {summary}"  # shown by python -m libcst.tool list
    triggers = ("Workflow",)
    prefilter = ("Workflow", "workflow_rule_may_apply")  # codemods.prefilter: key string, check
    requires = ("AGM008",)  # a generated arun() must be wrapped like run()
    runs_after = ("AGM002", "AGM005", "AGM006")  # twins of the rewritten code
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports nothing in.
    VALID = (
        """\
        from typing import AsyncIterator, Iterator

        from agno.run.response import RunResponse
        from agno.workflow import Workflow


        class Echo(Workflow):
            def run(self, message: str) -> Iterator[RunResponse]:
                yield RunResponse(content=message)

            async def arun(self, message: str) -> AsyncIterator[RunResponse]:
                yield RunResponse(content=message)
        """,
    )
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports (and, where it can, rewrites).
    INVALID = (
        """\
        from typing import Iterator

        from agno.agent import Agent
        from agno.run.response import RunResponseEvent
        from agno.workflow import Workflow


        class Cached(Workflow):
            agent = Agent(telemetry=False)

            def run(self, message: str) -> Iterator[RunResponseEvent]:
                yield from self.agent.run(message, stream=True)
        """,
    )

    def __init__(self, context) -> None:
        super().__init__(context)
        self._imports: Optional[ModuleImports] = None
        self._names = NameMap()
        self._workflow_classes: Set[str] = set()
        self._class_flags: List[bool] = []
        self._needs: Set[str] = set()
        self._bound_names: Set[str] = set()
        self._attempt_needs: Set[str] = set()
        self._failed_sources: Dict[str, str] = {}  # twin that could not be generated -> its source

    # -- module ------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self._imports = ModuleImports(node)
        self._names = NameMap.from_options(self.options)
        self._bound_names = _module_bound_names(node)
        self._workflow_classes = workflow_class_names(node)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if "asyncio" in self._needs and self._imports is not None and not self._imports.asyncio_modules:
            self.add_needed_import("asyncio")
        if "time" in self._needs and "time" not in self._bound_names:
            self.add_needed_import("time")
        for name in sorted(self._needs):
            if name[:1].isupper() and name not in self._bound_names:
                self.add_needed_import("typing", name)
        if "boundary" in self._needs:
            from codemods.boundary import ensure_boundary_helper

            updated_node = ensure_boundary_helper(updated_node, self.context)
        return updated_node

    # -- classes -----------------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._class_flags.append(node.name.value in self._workflow_classes)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        if not self._class_flags.pop() or not isinstance(updated_node.body, cst.IndentedBlock):
            return updated_node
        return self._twin_class(original_node, updated_node)

    def _twin_class(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        assert isinstance(updated.body, cst.IndentedBlock) and isinstance(original.body, cst.IndentedBlock)
        functions = {s.name.value: s for s in updated.body.body if isinstance(s, cst.FunctionDef) and not s.decorators}
        originals = {s.name.value: s for s in original.body.body if isinstance(s, cst.FunctionDef)}
        generated: Dict[str, str] = {}
        manual: Set[str] = set()
        for name, function in functions.items():
            kind, source = marker_of(function)
            if kind == "generated" and source:
                generated[name] = source
            elif kind == "manual":
                manual.add(name)
        sources = {name: f for name, f in functions.items() if name not in generated}

        plan = ClassPlan()
        problems: Dict[str, Set[str]] = {}
        while True:
            twins, new_bodies, attempt_problems = self._attempt(plan, sources, generated, manual)
            for twin_name, reasons in attempt_problems.items():
                problems.setdefault(twin_name, set()).update(reasons)
            newly_failed = set(attempt_problems) - plan.failed
            if not newly_failed:
                break
            plan.failed |= newly_failed

        self._needs |= self._attempt_needs
        for twin_name, reasons in problems.items():
            source_name = self._failed_sources.get(twin_name, twin_name)
            anchor = originals.get(source_name) or original
            why = "; ".join(sorted(reasons))
            if source_name == twin_name:
                message = f"cannot generate a sync twin of async {source_name}() ({why}); it keeps its name"
            else:
                message = f"cannot generate {twin_name}() from {source_name}(): {why}"
            self.report(anchor, message, fixed=False)

        body: List[cst.BaseStatement] = []
        placed: Set[str] = set()
        for statement in updated.body.body:
            if isinstance(statement, cst.FunctionDef) and not statement.decorators:
                name = statement.name.value
                if name in generated and name in twins:
                    continue  # re-placed after its source below
                if name in sources:
                    new_source = new_bodies.get(name, statement)
                    body.append(new_source)
                    self._report_source_change(originals.get(name), statement, new_source, plan)
                    source_now = new_source.name.value
                    for twin_name, twin in twins.items():
                        twin_source = plan.sync_plan.get(twin_name) or plan.async_plan.get(twin_name)
                        if twin_source == source_now and twin_name not in placed:
                            previous = functions.get(twin_name)
                            if previous is not None and marker_of(previous)[0] == "generated":
                                twin = twin.with_changes(leading_lines=previous.leading_lines)
                            body.append(twin)
                            placed.add(twin_name)
                            self._report_twin(originals, functions, twin_name, twin, source_now, name)
                    continue
                if name in generated and generated[name] not in sources and name not in twins:
                    self.report(originals.get(name, original), f"{name}() was generated from {generated[name]}(), "
                                "which no longer exists; delete it or mark it manual", fixed=False)
            body.append(statement)
        return updated.with_changes(body=updated.body.with_changes(body=body))

    # -- planning ----------------------------------------------------------------------
    def _attempt(
        self,
        plan: ClassPlan,
        sources: Dict[str, cst.FunctionDef],
        generated: Dict[str, str],
        manual: Set[str],
    ) -> Tuple[Dict[str, cst.FunctionDef], Dict[str, cst.FunctionDef], Dict[str, Set[str]]]:
        """Plan and build every twin; returns (twins, changed sources, problems by twin)."""
        names = self._names
        assert self._imports is not None
        method_names = set(sources) | set(generated)
        plan.renames.clear()
        plan.sync_plan.clear()
        plan.async_plan.clear()

        def free(name: str) -> bool:
            """A twin may be written under ``name``: absent, or generated earlier."""
            return name not in sources and name not in plan.failed

        # 1. async subflows spelled like sync ones: rename, and give them sync twins.
        for name, function in sources.items():
            if function.asynchronous is None or name in manual or name == "run":
                continue
            if names.is_subflow_name(name):
                new = names.to_async(name)
                if free(new) and name not in plan.failed:
                    plan.renames[name] = new
                    plan.sync_plan[name] = new
            else:
                sync_name = names.to_sync(name, method_names)
                if sync_name and names.is_subflow_name(sync_name) and free(sync_name):
                    plan.sync_plan[sync_name] = name

        # Twins generated on an earlier run are regenerated from their sources.
        for twin_name, source_name in generated.items():
            source = sources.get(source_name)
            if source is None or twin_name in plan.failed:
                continue
            if source.asynchronous is None:
                plan.async_plan[twin_name] = source_name
            else:
                plan.sync_plan[twin_name] = source_name

        # 2. run() without arun().
        run = sources.get("run")
        if run is not None and run.asynchronous is None and "run" not in manual and free("arun"):
            plan.async_plan["arun"] = "run"

        # 3. blocking sync helpers called from async code get async twins.
        sync_sources = {n: f for n, f in sources.items() if f.asynchronous is None}
        blocking = _blocking_methods(sync_sources, set(sources), self._imports)
        existing_async = {n: names.to_async(n) for n in sync_sources if names.to_async(n) in sources}
        scan = [f for n, f in sources.items() if f.asynchronous is not None] + [
            sources[s] for s in plan.async_plan.values()
        ]
        seen: Set[str] = set()
        while scan:
            function = scan.pop()
            for called in _self_calls(function):
                if called in sync_sources and called in blocking and called not in existing_async and called not in seen:
                    seen.add(called)
                    target = names.to_async(called)
                    if called not in manual and free(target):
                        plan.async_plan[target] = called
                        scan.append(sync_sources[called])

        async_twins: Dict[str, str] = dict(existing_async)
        async_twins.update({source: twin for twin, source in plan.async_plan.items()})
        async_twins.update({sync: source for sync, source in plan.sync_plan.items()})
        sync_twins = {a: s for s, a in async_twins.items()}
        generator_methods = {n for n, f in sync_sources.items() if is_generator(f)} | {
            sync for sync, source in plan.sync_plan.items() if is_generator(sources[_original_name(plan, source)])
        }
        context = TwinContext(
            boundary_allowed=python_target.of(self.options) >= python_target.TASK_GROUP,
            imports=self._imports,
            methods=method_names | set(plan.sync_plan) | set(plan.async_plan) | set(plan.renames.values()),
            generator_methods=generator_methods,
            async_twins=async_twins,
            sync_twins=sync_twins,
            blocking_calls=DEFAULT_BLOCKING_CALLS | set(self.options.get("blocking_calls", ()) or ()),
        )

        problems: Dict[str, Set[str]] = {}
        needs: Set[str] = set()
        new_bodies: Dict[str, cst.FunctionDef] = {}
        twins: Dict[str, cst.FunctionDef] = {}
        # Async sources: renamed, and blocking calls inside them made async.
        for name, function in sources.items():
            if function.asynchronous is None or name in manual:
                continue
            fixed, issues = _transform(function, ToAsync(context), keep_signature=True, needs=needs)
            if issues:
                fixed = function
            if name in plan.renames:
                fixed = fixed.with_changes(name=cst.Name(plan.renames[name]))
            if fixed is not function:
                new_bodies[name] = fixed
        # Sync sources: bridge leftovers that pass a renamed async generator along.
        for name, function in sync_sources.items():
            renamed = _rename_passed_generators(function, plan.renames)
            if renamed is not function:
                new_bodies[name] = renamed
        # Twins.
        for sync_name, async_source in plan.sync_plan.items():
            source = new_bodies.get(_original_name(plan, async_source), sources[_original_name(plan, async_source)])
            twin, issues = _transform(source, ToSync(context), keep_signature=False, needs=needs)
            if issues:
                problems[sync_name] = set(issues)
                self._failed_sources[sync_name] = _original_name(plan, async_source)
                continue
            twins[sync_name] = twin.with_changes(name=cst.Name(sync_name), leading_lines=marker_lines(async_source))
        for async_name, sync_source in plan.async_plan.items():
            source = new_bodies.get(sync_source, sources[sync_source])
            transformer = ToAsync(context)
            transformer.is_generator_body = is_generator(source)
            twin, issues = _transform(source, transformer, keep_signature=False, needs=needs)
            if issues:
                problems[async_name] = set(issues)
                self._failed_sources[async_name] = sync_source
                continue
            twins[async_name] = twin.with_changes(name=cst.Name(async_name), leading_lines=marker_lines(sync_source))
        # (A renamed subflow whose sync twin failed keeps its name: the caller
        # marks the twin name failed, which step 1 then skips.)
        self._attempt_needs = needs
        return twins, new_bodies, problems

    # -- reporting ---------------------------------------------------------------------
    def _report_source_change(
        self,
        original: Optional[cst.FunctionDef],
        before: cst.FunctionDef,
        after: cst.FunctionDef,
        plan: ClassPlan,
    ) -> None:
        if original is None or before is after or before.deep_equals(after):
            return
        name = before.name.value
        if name in plan.renames:
            self.report(original, f"renames async subflow {name}() to {plan.renames[name]}(); {name}() becomes its sync twin")
        elif before.asynchronous is None:
            self.report(original, f"{name}(): passes on the async generators under their new async names")
        else:
            self.report(original, f"{name}(): blocking calls in async code replaced by their async twins")

    def _report_twin(
        self,
        originals: Dict[str, cst.FunctionDef],
        functions: Dict[str, cst.FunctionDef],
        twin_name: str,
        twin: cst.FunctionDef,
        source_name: str,
        source_key: str,
    ) -> None:
        anchor = originals.get(source_key)
        if anchor is None:
            return
        previous = functions.get(twin_name)
        if previous is not None and marker_of(previous)[0] != "generated":
            previous = None  # the name belonged to the renamed source
        kind = "async" if twin.asynchronous is not None else "sync"
        if previous is None:
            self.report(anchor, f"generates {kind} twin {twin_name}() of {source_name}()")
        elif not _same_code(previous, twin):
            self.report(anchor, f"regenerates {kind} twin {twin_name}() of {source_name}() (its source changed)")
        for name in annotation_type_names(twin.returns):
            self._needs.add(name)


def _same_code(a: cst.FunctionDef, b: cst.FunctionDef) -> bool:
    render = cst.Module(body=[]).code_for_node
    return render(a.with_changes(leading_lines=())) == render(b.with_changes(leading_lines=()))


def _original_name(plan: ClassPlan, name: str) -> str:
    for old, new in plan.renames.items():
        if new == name:
            return old
    return name


def _transform(
    function: cst.FunctionDef, transformer: "ToAsync | ToSync", keep_signature: bool, needs: Set[str]
) -> Tuple[cst.FunctionDef, List[str]]:
    """Run ``transformer`` over ``function``; what the result imports is added to ``needs``."""
    new_function = function.visit(transformer)
    assert isinstance(new_function, cst.FunctionDef)
    if isinstance(transformer, ToAsync):
        transformer.finish()
    if not transformer.problems:
        needs.update(transformer.needs)
    if keep_signature:
        return new_function, transformer.problems
    to_async = isinstance(transformer, ToAsync)
    returns = convert_annotation(new_function.returns, to_async=to_async)
    new_function = new_function.with_changes(
        asynchronous=cst.Asynchronous() if to_async else None,
        returns=returns,
    )
    return new_function, transformer.problems


def _self_calls(function: cst.FunctionDef) -> Set[str]:
    called: Set[str] = set()

    class _Finder(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            name = self_method_call(node)
            if name is not None:
                called.add(name)

    function.visit(_Finder())
    return called


def _blocking_methods(sync_sources: Dict[str, cst.FunctionDef], methods: Set[str], imports: ModuleImports) -> Set[str]:
    """Sync methods that block: agent runs, sleeps, event loops, or calls to such methods."""
    direct: Set[str] = set()
    for name, function in sync_sources.items():
        if _blocks_directly(function, methods, imports):
            direct.add(name)
    blocking = set(direct)
    changed = True
    while changed:
        changed = False
        for name, function in sync_sources.items():
            if name not in blocking and _self_calls(function) & blocking:
                blocking.add(name)
                changed = True
    return blocking


def _blocks_directly(function: cst.FunctionDef, methods: Set[str], imports: ModuleImports) -> bool:
    found = False

    class _Finder(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            nonlocal found
            name = dotted_name(node.func)
            if (
                agent_call_kind(node, methods) == "run"
                or imports.is_asyncio(node.func, "run")
                or name in ("time.sleep", BOUNDARY_CLASS, f"{BOUNDARY_CLASS}.run", "ThreadPoolExecutor",
                            "concurrent.futures.ThreadPoolExecutor")
                or name in DEFAULT_BLOCKING_CALLS
            ):
                found = True

    function.visit(_Finder())
    return found


def _rename_passed_generators(function: cst.FunctionDef, renames: Dict[str, str]) -> cst.FunctionDef:
    """In sync code, ``f(self._run_x(...))`` passes the async generator on: rename it."""
    if not renames:
        return function

    class _Renamer(cst.CSTTransformer):
        def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
            method = self_method_call(updated_node.value)
            if method in renames and isinstance(updated_node.value, cst.Call):
                call = updated_node.value
                assert isinstance(call.func, cst.Attribute)
                return updated_node.with_changes(
                    value=call.with_changes(func=call.func.with_changes(attr=cst.Name(renames[method])))
                )
            return updated_node

    result = function.visit(_Renamer())
    assert isinstance(result, cst.FunctionDef)
    return function if result.deep_equals(function) else result


def _module_bound_names(module: cst.Module) -> Set[str]:
    bound: Set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(small.names, cst.ImportStar):
                    for alias in small.names:
                        local = alias.asname.name if alias.asname else alias.name
                        name = dotted_name(local) if isinstance(local, (cst.Name, cst.Attribute)) else None
                        if name:
                            bound.add(name.split(".")[0])
        elif isinstance(statement, (cst.ClassDef, cst.FunctionDef)):
            bound.add(statement.name.value)
    return bound
