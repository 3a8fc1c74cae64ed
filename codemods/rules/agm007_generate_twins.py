"""AGM007 generate-twins: every workflow gets a native sync and a native async path."""

from __future__ import annotations

import ast
import io
import keyword as python_keyword
import textwrap
import tokenize
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from codemods import target as python_target
from codemods.names import NameMap
from codemods.patterns import (
    ModuleImports,
    agent_call_kind,
    dotted_name,
    import_bound_names,
    self_method_call,
    top_level_imports,
    workflow_class_names,
)
from codemods.rule import Rule
from codemods.twins import (
    BOUNDARY_CLASS,
    UnconvertibleAnnotation,
    starts_event_loop,
    marker_lines,
    marker_of,
    DEFAULT_BLOCKING_CALLS,
    StreamMode,
    ToAsync,
    ToSync,
    TwinContext,
    agent_stream_modes,
    annotation_type_names,
    convert_annotation,
    is_generator,
    is_wrap_override,
    stop_iteration_escapes,
)

@dataclass
class ClassPlan:
    """What AGM007 will do to one Workflow class."""

    renames: Dict[str, str] = field(default_factory=dict)  # async method old name -> async name
    sync_plan: Dict[str, str] = field(default_factory=dict)  # sync twin -> async source
    async_plan: Dict[str, str] = field(default_factory=dict)  # async twin -> sync source
    failed: Set[str] = field(default_factory=set)  # twins that cannot be generated


@dataclass
class ClassResult:
    """AGM007's decisions for one class, final (after every failed twin was planned away)."""

    plan: ClassPlan = field(default_factory=ClassPlan)
    twins: Dict[str, cst.FunctionDef] = field(default_factory=dict)
    new_bodies: Dict[str, cst.FunctionDef] = field(default_factory=dict)
    problems: Dict[str, Set[str]] = field(default_factory=dict)  # twin -> why it is left alone
    failed_sources: Dict[str, str] = field(default_factory=dict)  # twin left alone -> its source
    held: Dict[str, str] = field(default_factory=dict)  # unsafe twin held back -> why it may change behaviour
    unsafe: Dict[str, str] = field(default_factory=dict)  # unsafe twin made (--unsafe-fixes) -> why
    needs: Set[str] = field(default_factory=set)
    #: (sync name, async name) pairs the class ends up defining as twins of each other.
    pairs: Set[Tuple[str, str]] = field(default_factory=set)
    #: Why no twin of the class is generated at all (a decorator that may replace methods...).
    class_problem: Optional[str] = None


#: Class decorators known not to replace methods (they add ``__init__``, ``__eq__``... or nothing).
SAFE_CLASS_DECORATORS = frozenset({
    "dataclass", "dataclasses.dataclass", "final", "typing.final", "typing_extensions.final",
})


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
    ``[tool.agno-migrate] name-map``).  Calls are mapped between two methods
    only when one is the other's twin: generated in this run (or marked as
    generated), or hand-written and provably so (generating the twin of the
    one gives the other, as written).  Quoted return annotations
    (``-> "Iterator[T]"``) are twinned inside the string.  Generated twins carry a
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

    One twin is an *unsafe fix* (made only with ``--unsafe-fixes``, else
    reported ``[unsafe fix, needs --unsafe-fixes]`` and the subflow keeps its
    name): a sync twin that may start more than one event loop in one call (a
    ``_BlockingTaskGroup`` per awaited call or fan-out, counted along each
    path: an ``if``/``else`` with one await per branch starts one; an await
    inside a loop, or another sync method that starts one, counts too), where
    the async subflow ran every await on one loop.  An object bound to the
    loop it first ran on (``httpx.AsyncClient``, an aiohttp session, an
    asyncpg pool, asyncio locks and queues) fails on the second loop with
    "Event loop is closed".  Awaits the twin turns into sync calls (agent
    ``arun`` -> ``run``, ``asyncio.sleep`` -> ``time.sleep``, the async twins
    of sync methods) start no loop.

    Also unsafe: a twin of an agent run without ``stream=`` whose agent the
    module does not show (built by a function of another module, passed in):
    agno's ``stream`` flag sticks on an agent and a run without ``stream=``
    uses it, so the twin's ``stream=False`` (``stream=True`` when iterated) is
    a guess.

    ## Left alone
    A method whose twin cannot be generated faithfully (an agent stream used
    outside a ``for`` loop, ``asyncio.run`` with options, an event loop started
    in the method or in a nested function, a generator that returns a value,
    ``yield from`` used as an expression, async constructs without a sync
    counterpart, the ``_BlockingTaskGroup`` boundary below Python 3.11, a
    quoted return annotation that is not one expression), each with a finding
    naming the construct; methods marked ``# agno-migrate: manual``.  Also,
    each with a finding:

    * a twin of an agent run without ``stream=`` whose stream mode the module
      shows may differ from the twin's (``Agent(stream=True)`` whose result
      is not iterated, a run with ``stream=True`` elsewhere: the flag sticks,
      ``stream=<expression>``, ``<agent>.stream = ...``), or a run with
      ``stream=False`` that is iterated;
    * a twin that would turn a generator expression into an async one (one
      iterating an agent stream or awaiting inside: ``"".join(...)`` could
      not consume it);
    * a twin of a method that calls ``next(it)`` without a default outside a
      ``try`` catching StopIteration: a StopIteration escaping a generator or
      coroutine becomes ``RuntimeError("<kind> raised StopIteration")``, whose
      message differs between the twins;

    * ``arun()`` of a ``run()`` that is neither a generator nor returns
      ``RunResponse(...)`` on every ``return`` (e.g. ``return iter(...)``):
      agno 1.8.4's wrapper of a coroutine ``arun()`` accepts only a
      RunResponse, so an iterator would give nothing;
    * ``arun()`` of a class (or a base in the module) that overrides
      ``update_run_method()`` by hand: AGM008 cannot add its override, and
      agno would wrap only ``arun()`` (``run()`` would lose its run_id,
      memory and storage);
    * a twin whose name is a Python keyword or not an identifier (``wait()``
      would get ``await()``): just that twin, the calls stay as they are;
    * every twin of a class with a class decorator that may replace its
      methods (all but ``@dataclass`` and ``@final``), a metaclass, or a base
      in the module with ``__init_subclass__``: twins of the bodies written
      in the class would bypass the replacement;
    * a method bound again in the class body (``run = audited(run)``);
    * a twin of a method that a subclass in the module overrides (``def``,
      an assignment such as ``_route = staticmethod(keyword_route)``, a
      decorator...) without ending up with the twin pair of its own: the
      subclass would inherit a twin that bypasses its override.

    A hand-written pair spelled like twins (``summarize``/``asummarize``)
    that are not provably twins is not mapped: a sync twin awaits the async
    one through ``_BlockingTaskGroup.run(...)``, an async twin calls the sync
    one as it is.
    """

    code = "AGM007"
    name = "generate-twins"
    summary = "workflows need native sync and async paths: generate the missing twins"
    DESCRIPTION = f"{code} {name}: {summary}"  # shown by python -m libcst.tool list
    triggers = ("Workflow",)
    prefilter = ("Workflow", "workflow_rule_may_apply")  # codemods.prefilter: key string, check
    requires = ("AGM008",)  # a generated arun() must be wrapped like run()
    runs_after = ("AGM002", "AGM005", "AGM006")  # twins of the rewritten code
    fix_safety = "mixed"  # unsafe where a sync twin may start more than one event loop per call
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
        self._classes: Dict[str, cst.ClassDef] = {}  # the module's classes (any depth) by name
        self._duplicate_classes: Set[str] = set()  # names two classes of the module share
        self._results: Dict[str, ClassResult] = {}  # plans of subclasses, from their original nodes
        self._run_response_names: Set[str] = set()
        self._stream_modes: Dict[str, StreamMode] = {}

    # -- module ------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self._imports = ModuleImports(node)
        self._names = NameMap.from_options(self.options)
        self._bound_names = _module_bound_names(node)
        self._workflow_classes = workflow_class_names(node)
        self._classes, self._duplicate_classes = _module_classes(node)
        self._results = {}
        self._stream_modes = agent_stream_modes(node)
        self._run_response_names = {
            alias or name for source, name, alias in top_level_imports(node)
            if name == "RunResponse" and source.split(".")[0] == "agno"
        }

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
        result = self._plan_class(original, updated)
        if result.class_problem is not None:
            self.report(original, result.class_problem, fixed=False)
            return updated
        functions = _plain_functions(updated)
        originals = {s.name.value: s for s in original.body.body if isinstance(s, cst.FunctionDef)}
        generated = {name: source for name, f in functions.items()
                     for kind, source in [marker_of(f)] if kind == "generated" and source}
        sources = {name: f for name, f in functions.items() if name not in generated}
        plan, twins, new_bodies = result.plan, result.twins, result.new_bodies

        self._needs |= result.needs
        for twin_name, reasons in result.problems.items():
            source_name = result.failed_sources.get(twin_name, twin_name)
            anchor = originals.get(source_name) or original
            why = "; ".join(sorted(reasons))
            if source_name == twin_name:
                message = f"cannot generate a sync twin of async {source_name}() ({why}); it keeps its name"
            else:
                message = f"cannot generate {twin_name}() from {source_name}(): {why}"
            self.report(anchor, message, fixed=False)
        for twin_name, why in result.held.items():
            source_name = result.failed_sources.get(twin_name, twin_name)
            anchor = originals.get(source_name) or original
            self.report(anchor, why, fixed=False, unsafe=True)

        body: List[cst.BaseStatement] = []
        placed: Set[str] = set()
        for statement in updated.body.body:
            if isinstance(statement, cst.FunctionDef) and functions.get(statement.name.value) is statement:
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
                                if _same_code(previous, twin):
                                    twin = previous  # up to date: its layout stays as it is
                                else:
                                    twin = twin.with_changes(leading_lines=previous.leading_lines)
                            body.append(twin)
                            placed.add(twin_name)
                            self._report_twin(originals, functions, twin_name, twin, source_now, name,
                                              result.unsafe.get(twin_name))
                    continue
                if name in generated and generated[name] not in sources and name not in twins:
                    self.report(originals.get(name, original), f"{name}() was generated from {generated[name]}(), "
                                "which no longer exists; delete it or mark it manual", fixed=False)
            body.append(statement)
        return updated.with_changes(body=updated.body.with_changes(body=body))

    # -- the class and its relatives -----------------------------------------------------
    def _local_bases(self, name: str) -> List[str]:
        node = self._classes.get(name)
        if node is None:
            return []
        return [base for base in (dotted_name(arg.value) for arg in node.bases) if base in self._classes]

    def _ancestors(self, name: str) -> List[str]:
        found: List[str] = []
        stack = list(self._local_bases(name))
        while stack:
            base = stack.pop()
            if base not in found and base != name:
                found.append(base)
                stack.extend(self._local_bases(base))
        return found

    def _subclasses(self, name: str) -> List[str]:
        return sorted(other for other in self._classes if other != name and name in self._ancestors(other))

    def _replaces_methods(self, name: str) -> Optional[str]:
        """Why the class's methods may be replaced after its body ran (so a twin generated from a
        method's body would bypass what replaced it), or None."""
        node = self._classes.get(name)
        if node is None:
            return None
        if name in self._duplicate_classes:
            return f"the module defines more than one class named {name}"
        for decorator in node.decorators:
            expression = decorator.decorator
            spelled = dotted_name(expression.func if isinstance(expression, cst.Call) else expression)
            if spelled not in SAFE_CLASS_DECORATORS:
                return f"its class decorator @{spelled or '...'} may replace its methods (a wrapper around run())"
        for owner in [name, *self._ancestors(name)]:
            owner_node = self._classes[owner]
            if any(arg.keyword is not None and arg.keyword.value == "metaclass" for arg in owner_node.bases):
                return f"{owner} has a metaclass, which may replace its methods"
            if owner != name and "__init_subclass__" in _defined_names(owner_node):
                return f"{owner}.__init_subclass__() may replace the methods of its subclasses"
        return None

    def _result(self, name: str) -> ClassResult:
        """The plan of the module's class ``name`` (from its original node), memoized."""
        result = self._results.get(name)
        if result is None:
            self._results[name] = ClassResult(class_problem="(planned recursively)")
            node = self._classes[name]
            result = self._plan_class(node, node) if name in self._workflow_classes else ClassResult(
                class_problem="not a Workflow class")
            self._results[name] = result
        return result

    def _subclass_conflicts(self, class_name: str, new_pairs: Dict[str, Tuple[str, str]]) -> Dict[str, str]:
        """Twins (of ``new_pairs``: twin -> (sync name, async name)) a subclass of the module would
        inherit while it overrides (``def``, assignment, a decorator...) one of the pair and does
        not end up with the pair's twin of its own: the inherited twin would bypass the override."""
        conflicts: Dict[str, str] = {}
        for subclass in self._subclasses(class_name):
            sub = self._result(subclass)
            everything = sub.class_problem is not None
            defined = _defined_names(self._classes[subclass])
            for twin, (sync, async_name) in new_pairs.items():
                overridden = [n for n in (sync, async_name) if n in defined]
                if twin in conflicts or not (overridden or everything) or (sync, async_name) in sub.pairs:
                    continue
                how = (f"overrides {overridden[0]}()" if overridden
                       else f"gets no twins ({self._replaces_methods(subclass) or sub.class_problem})")
                conflicts[twin] = (f"subclass {subclass} {how} without the twin pair {sync}()/{async_name}() of "
                                   f"its own: it would inherit {twin}(), which bypasses its override")
        return conflicts

    def _arun_blocker(self, class_name: str, run: cst.FunctionDef) -> Optional[str]:
        """Why ``arun`` must not be generated from ``run``, or None."""
        for owner in [class_name, *self._ancestors(class_name)]:
            node = self._classes.get(owner)
            if node is None or not isinstance(node.body, cst.IndentedBlock):
                continue
            for statement in node.body.body:
                if isinstance(statement, cst.FunctionDef) and is_wrap_override(statement):
                    continue
                if "update_run_method" in _defined_names_of(statement):
                    return (f"{owner} overrides update_run_method(), so AGM008 cannot add the override that has "
                            "agno wrap both run() and arun() (agno 1.x wraps only arun() when both exist: run() "
                            "would lose its run_id, memory and storage); add arun() and the wrapping by hand")
        if is_generator(run):
            return None
        why = _not_a_run_response(run, self._run_response_names)
        if why is not None:
            return (f"run() is not a generator and {why}: agno 1.8.4 handles an arun() that is an async "
                    "generator or returns a RunResponse, nothing else (its wrapper would yield nothing)")
        return None

    # -- planning ----------------------------------------------------------------------
    def _plan_class(self, original: cst.ClassDef, updated: cst.ClassDef) -> ClassResult:
        """Plan and build every twin of the class until no planned twin fails."""
        result = ClassResult()
        class_name = original.name.value
        if class_name in self._classes:
            reason = self._replaces_methods(class_name)
            if reason is not None:
                result.class_problem = (f"no twins generated for {class_name}: {reason}, and twins generated "
                                        "from the bodies written here would bypass that; write them by hand")
                return result
        functions = _plain_functions(updated)
        generated: Dict[str, str] = {}
        manual: Set[str] = set()
        for name, function in functions.items():
            kind, source = marker_of(function)
            if kind == "generated" and source:
                generated[name] = source
            elif kind == "manual":
                manual.add(name)
        taken = _defined_names(updated)  # names bound in the class body some other way too
        rebound = {name for name in functions if _binds_other_than(updated, name, functions[name])}
        sources = {name: f for name, f in functions.items() if name not in generated and name not in rebound}
        taken -= set(sources) | set(generated)
        for name in sorted(rebound):
            if name != "run" and functions[name].asynchronous is None:
                continue  # a sync helper: it simply gets no twin (calls to it stay as they are)
            twin_name = "arun" if name == "run" else name
            result.problems.setdefault(twin_name, set()).add(
                f"{name}() is bound again in the class body (an assignment such as {name} = wrap({name}), or a "
                "second definition): a twin of the def would bypass that")
            result.failed_sources[twin_name] = name

        plan = result.plan
        while True:
            attempt = self._attempt(plan, sources, generated, manual, taken, class_name)
            twins, new_bodies, attempt_problems, failed_sources, needs, pairs, guessing = attempt
            result.failed_sources.update(failed_sources)
            blocked: Dict[str, Set[str]] = {name: set(reasons) for name, reasons in attempt_problems.items()}
            new_pairs = {twin: pair for twin, pair in pairs.items() if twin in twins}
            for twin, why in self._subclass_conflicts(class_name, new_pairs).items():
                blocked.setdefault(twin, set()).add(why)
                result.failed_sources.setdefault(twin, plan.async_plan.get(twin) or _original_name(
                    plan, plan.sync_plan.get(twin, twin)))
            unsafe = _loop_splitting_twins(plan, sources, new_bodies, twins, self._imports)
            for twin, why in guessing.items():
                unsafe[twin] = f"{unsafe[twin]}; {why}" if twin in unsafe else why
            for name, reasons in blocked.items():
                result.problems.setdefault(name, set()).update(reasons)
            newly_failed = set(blocked) - plan.failed
            if not self.unsafe_fixes:
                for twin, why in unsafe.items():
                    # A twin an earlier run generated (with --unsafe-fixes) is kept up to date.
                    if twin not in blocked and twin not in generated:
                        kind = "sync" if twin in plan.sync_plan else "async"
                        source = plan.sync_plan.get(twin) or plan.async_plan.get(twin, twin)
                        result.held[twin] = f"generates {kind} twin {twin}() of {source}(): {why}"
                        result.failed_sources.setdefault(twin, _original_name(plan, source))
                        if twin not in plan.failed:
                            newly_failed.add(twin)
            if not newly_failed:
                result.unsafe = dict(unsafe) if self.unsafe_fixes else {
                    twin: why for twin, why in unsafe.items() if twin in generated}
                break
            plan.failed |= newly_failed
        result.held = {twin: why for twin, why in result.held.items() if twin not in twins}
        result.twins, result.new_bodies, result.needs = twins, new_bodies, needs
        result.pairs = {pair for key, pair in pairs.items() if key in twins or key.startswith("=")}
        return result

    def _attempt(
        self,
        plan: ClassPlan,
        sources: Dict[str, cst.FunctionDef],
        generated: Dict[str, str],
        manual: Set[str],
        taken: Set[str],
        class_name: str,
    ) -> Tuple[Dict[str, cst.FunctionDef], Dict[str, cst.FunctionDef], Dict[str, Set[str]], Dict[str, str],
               Set[str], Dict[str, Tuple[str, str]], Dict[str, str]]:
        """Plan and build every twin; returns (twins, changed sources, problems by twin, their sources,
        what the result imports, (sync name, async name) by twin, existing proven pairs under ``""``,
        and the twins that guess an agent's stream mode the module does not show -> why: unsafe)."""
        names = self._names
        imports = self._imports
        assert imports is not None
        method_names = set(sources) | set(generated)
        plan.renames.clear()
        plan.sync_plan.clear()
        plan.async_plan.clear()
        problems: Dict[str, Set[str]] = {}
        failed_sources: Dict[str, str] = {}

        def free(name: str) -> bool:
            """A twin may be written under ``name``: absent, or generated earlier."""
            return name not in sources and name not in plan.failed and name not in taken

        def valid(name: str, source: str) -> bool:
            """``name`` can be a method's name; else the twin is left alone, saying why."""
            if name.isidentifier() and not python_keyword.iskeyword(name):
                return True
            if name not in plan.failed:
                problems.setdefault(name, set()).add(f"its name {name!r} is a Python keyword or not an identifier")
                failed_sources[name] = source
            return False

        # 1. async subflows spelled like sync ones: rename, and give them sync twins.
        for name, function in sources.items():
            if function.asynchronous is None or name in manual or name == "run":
                continue
            if names.is_subflow_name(name):
                new = names.to_async(name)
                if free(new) and name not in plan.failed and valid(new, name):
                    plan.renames[name] = new
                    plan.sync_plan[name] = new
            else:
                sync_name = names.to_sync(name, method_names)
                if sync_name and names.is_subflow_name(sync_name) and free(sync_name) and valid(sync_name, name):
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

        # 2. run() without arun(), when agno would wrap both and knows what arun() gives.
        run = sources.get("run")
        if run is not None and run.asynchronous is None and "run" not in manual and free("arun"):
            blocker = self._arun_blocker(class_name, run)
            if blocker is None:
                plan.async_plan["arun"] = "run"
            else:
                plan.async_plan.pop("arun", None)
                problems.setdefault("arun", set()).add(blocker)
                failed_sources["arun"] = "run"

        # 3. blocking sync helpers called from async code get async twins.
        sync_sources = {n: f for n, f in sources.items() if f.asynchronous is None}
        blocking = _blocking_methods(sync_sources, set(sources), imports)
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
                    if called not in manual and free(target) and valid(target, called):
                        plan.async_plan[target] = called
                        scan.append(sync_sources[called])

        generator_methods = {n for n, f in sync_sources.items() if is_generator(f)} | {
            sync for sync, source in plan.sync_plan.items() if is_generator(sources[_original_name(plan, source)])
        }

        def make_context(existing: Dict[str, str]) -> TwinContext:
            async_twins: Dict[str, str] = dict(existing)
            async_twins.update({source: twin for twin, source in plan.async_plan.items()})
            async_twins.update({sync: source for sync, source in plan.sync_plan.items()})
            return TwinContext(
                boundary_allowed=python_target.of(self.options) >= python_target.TASK_GROUP,
                imports=imports,
                methods=method_names | set(plan.sync_plan) | set(plan.async_plan) | set(plan.renames.values()),
                generator_methods=generator_methods,
                async_twins=async_twins,
                sync_twins={a: s for s, a in async_twins.items()},
                blocking_calls=DEFAULT_BLOCKING_CALLS | set(self.options.get("blocking_calls", ()) or ()),
                stream_modes=self._stream_modes,
            )

        # A hand-written pair is a pair of twins only when the one is provably the other's twin
        # (generating it from the one gives the other); else calls are not mapped between them.
        while True:
            context = make_context(existing_async)
            unproven = {s for s, a in existing_async.items() if not _is_twin_pair(sources[s], sources[a], context)}
            if not unproven:
                break
            for sync_name in unproven:
                del existing_async[sync_name]

        needs: Set[str] = set()
        new_bodies: Dict[str, cst.FunctionDef] = {}
        twins: Dict[str, cst.FunctionDef] = {}
        # Async sources: renamed, and blocking calls inside them made async.
        for name, function in sources.items():
            if function.asynchronous is None or name in manual:
                continue
            in_place = ToAsync(context)
            fixed, issues = _transform(function, in_place, keep_signature=True, needs=needs)
            if issues or in_place.unsafe:  # (no unsafe fix of a source: it stays as it is)
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
        pairs: Dict[str, Tuple[str, str]] = {f"={s}": (s, a) for s, a in existing_async.items()}
        guessing: Dict[str, str] = {}
        for sync_name, async_source in plan.sync_plan.items():
            source = new_bodies.get(_original_name(plan, async_source), sources[_original_name(plan, async_source)])
            to_sync = ToSync(context)
            escapes = stop_iteration_escapes(source)
            twin, issues = _transform(source, to_sync, keep_signature=False, needs=set() if escapes else needs)
            if escapes is not None:
                issues = [*issues, escapes]
            if to_sync.unsafe and not issues:
                guessing[sync_name] = to_sync.unsafe[0]
            if issues:
                problems.setdefault(sync_name, set()).update(issues)
                failed_sources[sync_name] = _original_name(plan, async_source)
                continue
            twins[sync_name] = twin.with_changes(name=cst.Name(sync_name), leading_lines=marker_lines(async_source))
            pairs[sync_name] = (sync_name, async_source)
        for async_name, sync_source in plan.async_plan.items():
            source = new_bodies.get(sync_source, sources[sync_source])
            transformer = ToAsync(context)
            transformer.is_generator_body = is_generator(source)
            escapes = stop_iteration_escapes(source)
            twin, issues = _transform(source, transformer, keep_signature=False, needs=set() if escapes else needs)
            if escapes is not None:
                issues = [*issues, escapes]
            if transformer.unsafe and not issues:
                guessing[async_name] = transformer.unsafe[0]
            if issues:
                problems.setdefault(async_name, set()).update(issues)
                failed_sources[async_name] = sync_source
                continue
            twins[async_name] = twin.with_changes(name=cst.Name(async_name), leading_lines=marker_lines(sync_source))
            pairs[async_name] = (sync_source, async_name)
        # (A renamed subflow whose sync twin failed keeps its name: the caller
        # marks the twin name failed, which step 1 then skips.)
        return twins, new_bodies, problems, failed_sources, needs, pairs, guessing

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
        unsafe: Optional[str] = None,
    ) -> None:
        anchor = originals.get(source_key)
        if anchor is None:
            return
        previous = functions.get(twin_name)
        if previous is not None and marker_of(previous)[0] != "generated":
            previous = None  # the name belonged to the renamed source
        kind = "async" if twin.asynchronous is not None else "sync"
        why = f"; {unsafe}" if unsafe else ""
        if previous is None:
            self.report(anchor, f"generates {kind} twin {twin_name}() of {source_name}(){why}", unsafe=bool(unsafe))
        elif not _same_code(previous, twin):
            self.report(anchor, f"regenerates {kind} twin {twin_name}() of {source_name}() (its source changed)"
                        f"{why}", unsafe=bool(unsafe))
        for name in annotation_type_names(twin.returns):
            self._needs.add(name)


def _same_code(a: cst.FunctionDef, b: cst.FunctionDef) -> bool:
    """Whether two functions are the same code up to layout: the same syntax tree and the same
    comments, however lines are split (the engine lays out generated lines as ruff format would,
    so a twin on disk may be split where a regenerated one is not)."""
    render = cst.Module(body=[]).code_for_node
    first, second = render(a.with_changes(leading_lines=())), render(b.with_changes(leading_lines=()))
    if first == second:
        return True
    layout_free = _layout_free(first)
    return layout_free is not None and layout_free == _layout_free(second)


def _layout_free(code: str) -> Optional[Tuple[str, Tuple[str, ...]]]:
    """``code``'s syntax tree (no positions) and its comments, or None when it does not parse."""
    try:
        tree = ast.dump(ast.parse(textwrap.dedent(code)))
        comments = tuple(token.string for token in tokenize.generate_tokens(io.StringIO(code).readline)
                         if token.type == tokenize.COMMENT)
    except (SyntaxError, ValueError, tokenize.TokenError, IndentationError):
        return None
    return tree, comments


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
    try:
        returns = convert_annotation(new_function.returns, to_async=to_async)
    except UnconvertibleAnnotation as error:
        return new_function, [*transformer.problems, f"{error} (its twin's return type cannot be written)"]
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
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    bound |= import_bound_names(small)
        elif isinstance(statement, (cst.ClassDef, cst.FunctionDef)):
            bound.add(statement.name.value)
    return bound


def _module_classes(module: cst.Module) -> Tuple[Dict[str, cst.ClassDef], Set[str]]:
    """The module's classes (at any depth) by name, and the names more than one class has."""
    classes: Dict[str, cst.ClassDef] = {}
    duplicates: Set[str] = set()

    class _Finder(cst.CSTVisitor):
        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            name = node.name.value
            if name in classes:
                duplicates.add(name)
            else:
                classes[name] = node

    module.visit(_Finder())
    return classes, duplicates


def _plain_functions(classdef: cst.ClassDef) -> Dict[str, cst.FunctionDef]:
    """The class body's undecorated methods by name (the last definition of a name)."""
    body = classdef.body
    if not isinstance(body, cst.IndentedBlock):
        return {}
    return {s.name.value: s for s in body.body if isinstance(s, cst.FunctionDef) and not s.decorators}


def _target_names(target: cst.BaseExpression) -> Set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        found: Set[str] = set()
        for element in target.elements:
            found |= _target_names(element.value)
        return found
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return set()


def _defined_names_of(statement: cst.CSTNode) -> Set[str]:
    """The names one statement of a class body binds in the class namespace."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return {statement.name.value}
    found: Set[str] = set()
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    found |= _target_names(target.target)
            elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                if isinstance(small, cst.AugAssign) or small.value is not None:
                    found |= _target_names(small.target)
            elif isinstance(small, (cst.Import, cst.ImportFrom)):
                found |= import_bound_names(small)
    elif isinstance(statement, cst.BaseCompoundStatement):
        # if/try/with/for in a class body: whatever they bind at the class level.
        class _Finder(cst.CSTVisitor):
            def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
                found.add(node.name.value)
                return False

            def visit_ClassDef(self, node: cst.ClassDef) -> bool:
                found.add(node.name.value)
                return False

            def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
                found.update(_defined_names_of(node))
                return False

        statement.visit(_Finder())
    return found


def _defined_names(classdef: cst.ClassDef) -> Set[str]:
    """Every name the class body binds: methods (decorated too), assignments, nested classes, imports."""
    body = classdef.body
    if not isinstance(body, cst.IndentedBlock):
        return set()
    found: Set[str] = set()
    for statement in body.body:
        found |= _defined_names_of(statement)
    return found


def _binds_other_than(classdef: cst.ClassDef, name: str, function: cst.FunctionDef) -> bool:
    """Whether a statement of the class body other than ``function`` binds ``name``
    (``run = audited(run)``, a second ``def run``, a property of that name...)."""
    body = classdef.body
    if not isinstance(body, cst.IndentedBlock):
        return False
    return any(statement is not function and name in _defined_names_of(statement) for statement in body.body)


def _not_a_run_response(function: cst.FunctionDef, run_response_names: Set[str]) -> Optional[str]:
    """Why the value the non-generator ``function`` returns may not be agno's RunResponse (or None),
    syntactically: every ``return`` must return ``RunResponse(...)`` (agno's, by import) or nothing."""
    found: List[str] = []

    class _Finder(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

        def visit_Return(self, node: cst.Return) -> None:
            value = node.value
            if value is None or (isinstance(value, cst.Name) and value.value == "None"):
                return
            if isinstance(value, cst.Call) and dotted_name(value.func) in run_response_names:
                return
            found.append(cst.Module(body=[]).code_for_node(value))

    function.visit(_Finder())
    if found:
        shown = found[0] if len(found[0]) <= 60 else found[0][:57] + "..."
        return f"returns {shown}, which is not provably a RunResponse"
    return None


def _is_twin_pair(sync: cst.FunctionDef, async_: cst.FunctionDef, context: TwinContext) -> bool:
    """Whether the hand-written ``sync``/``async_`` pair are twins: generating the twin of one
    gives the other (same code, comments and layout aside from the leading lines)."""
    to_async = ToAsync(context)
    to_async.is_generator_body = is_generator(sync)
    twin, issues = _transform(sync, to_async, keep_signature=False, needs=set())
    if not issues and _same_code(twin.with_changes(name=async_.name), async_):
        return True
    twin, issues = _transform(async_, ToSync(context), keep_signature=False, needs=set())
    return not issues and _same_code(twin.with_changes(name=sync.name), sync)


#: A count of event loops a method may start in one call: 0, 1 or "more than one".
_MANY = 2


def _loop_splitting_twins(
    plan: ClassPlan,
    sources: Dict[str, cst.FunctionDef],
    new_bodies: Dict[str, cst.FunctionDef],
    twins: Dict[str, cst.FunctionDef],
    imports: Optional[ModuleImports],
) -> Dict[str, str]:
    """Sync twins that may start more than one event loop in one call (a ``_BlockingTaskGroup`` per
    awaited call or fan-out, another sync method that starts one, a loop inside a loop) where their
    async source ran every await on one loop: an object bound to the loop it is first used on
    (``httpx.AsyncClient``, an aiohttp session, an asyncpg pool, asyncio locks and queues) fails on
    the second.  Twin name -> why."""
    assert imports is not None
    sync_methods: Dict[str, cst.FunctionDef] = {
        name: new_bodies.get(name, function) for name, function in sources.items() if function.asynchronous is None
    }
    sync_methods.update({name: twin for name, twin in twins.items() if twin.asynchronous is None})
    counts: Dict[str, int] = {name: 0 for name in sync_methods}
    for _ in range(len(sync_methods) + 1):
        changed = False
        for name, function in sync_methods.items():
            count = _loop_starts(function.body, counts, imports)
            if count != counts[name]:
                counts[name], changed = count, True
        if not changed:
            break
    found: Dict[str, str] = {}
    for name in plan.sync_plan:
        if name in twins and counts.get(name, 0) >= _MANY:
            source = plan.sync_plan[name]
            found[name] = (f"it may start more than one event loop in one call (_BlockingTaskGroup for each "
                           f"awaited call or fan-out) where {source}() ran every await on one loop: an "
                           "object bound to the loop it first ran on (httpx.AsyncClient, an aiohttp session, an "
                           "asyncpg pool, asyncio locks and queues) fails on the second ('Event loop is closed')")
    return found


def _loop_starts(node: cst.CSTNode, counts: Dict[str, int], imports: ModuleImports) -> int:
    """How many event loops running ``node`` (a statement or block) may start, capped at 2 (many)."""

    def total(values: List[int]) -> int:
        return min(_MANY, sum(values))

    def block(statements: object) -> int:
        if statements is None:
            return 0
        if isinstance(statements, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            return total([_loop_starts(s, counts, imports) for s in statements.body])
        if isinstance(statements, (cst.Else, cst.Finally)):
            return block(statements.body)
        assert isinstance(statements, cst.CSTNode)
        return _loop_starts(statements, counts, imports)

    if isinstance(node, (cst.IndentedBlock, cst.SimpleStatementSuite, cst.Else, cst.Finally)):
        return block(node)
    if isinstance(node, cst.If):
        return total([_expression_loop_starts(node.test, counts, imports), max(block(node.body), block(node.orelse))])
    if isinstance(node, cst.For):
        body = block(node.body)
        return total([_expression_loop_starts(node.iter, counts, imports), _MANY if body else 0, block(node.orelse)])
    if isinstance(node, cst.While):
        body = total([_expression_loop_starts(node.test, counts, imports), block(node.body)])
        return total([_MANY if body else 0, block(node.orelse)])
    if isinstance(node, (cst.Try, cst.TryStar)):
        handlers = [block(handler.body) for handler in node.handlers]
        return total([block(node.body), max([block(node.orelse), *handlers]), block(node.finalbody)])
    if isinstance(node, cst.Match):
        cases = [block(case.body) for case in node.cases]
        return total([_expression_loop_starts(node.subject, counts, imports), max(cases or [0])])
    if isinstance(node, cst.With):
        items = [_expression_loop_starts(item.item, counts, imports) for item in node.items]
        return total([*items, block(node.body)])
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        # Defined here, run who knows how often.
        return _MANY if _expression_loop_starts(node, counts, imports) else 0
    return _expression_loop_starts(node, counts, imports)


def _expression_loop_starts(node: cst.CSTNode, counts: Dict[str, int], imports: ModuleImports) -> int:
    """Event loops the calls in ``node`` may start (a call inside a lambda, comprehension or
    nested function counts as many)."""
    found = 0

    repeating = (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.FunctionDef)

    class _Finder(cst.CSTVisitor):
        def __init__(self) -> None:
            super().__init__()
            self.repeated = 0

        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, repeating):
                self.repeated += 1
            return super().on_visit(node)

        def on_leave(self, original_node: cst.CSTNode) -> None:
            if isinstance(original_node, repeating):
                self.repeated -= 1
            super().on_leave(original_node)

        def visit_Call(self, call: cst.Call) -> None:
            nonlocal found
            name = dotted_name(call.func)
            method = self_method_call(call)
            if name in (BOUNDARY_CLASS, f"{BOUNDARY_CLASS}.run") or starts_event_loop(
                    call, imports, single_run_ok=False) is not None:
                count = 1
            elif method is not None:
                count = counts.get(method, 0)
            else:
                count = 0
            if count:
                found = min(_MANY, found + (_MANY if self.repeated else count))

    node.visit(_Finder())
    return found
