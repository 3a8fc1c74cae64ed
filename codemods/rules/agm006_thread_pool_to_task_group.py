"""AGM006: a ``with ThreadPoolExecutor() as pool:`` fan-out -> a TaskGroup."""

from __future__ import annotations

from dataclasses import dataclass
from typing import AbstractSet, Dict, Iterator, List, Optional, Set, Tuple, Union

import libcst as cst
import libcst.matchers as m
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import RemoveImportsVisitor
from libcst.helpers import get_full_name_for_node
from libcst.metadata import CodeRange, ParentNodeProvider, PositionProvider, QualifiedNameProvider

from codemods.boundary import BOUNDARY_CLASS, ensure_boundary_helper
from codemods.patterns import top_level_imports, workflow_class_names, workflow_code
from codemods.rule import Rule
from codemods.scope import fanout_everywhere
from codemods.taskgroup import asyncio_alias, asyncio_name, call_qualified_names, names_in, task_group_try, unique_name

EXECUTOR_NAMES = frozenset({"concurrent.futures.ThreadPoolExecutor", "concurrent.futures.thread.ThreadPoolExecutor"})
WAIT_NAMES = frozenset(
    {
        "concurrent.futures.as_completed",
        "concurrent.futures.wait",
        "concurrent.futures._base.as_completed",
        "concurrent.futures._base.wait",
    }
)
#: Future methods a task handle does not offer (or offers with another meaning).
FUTURE_METHODS = frozenset(
    {"exception", "add_done_callback", "remove_done_callback", "cancel", "cancelled", "done", "running",
     "set_result", "set_exception"}
)
#: Builtins a container of futures may be passed to without the futures escaping.
CONTAINER_BUILTINS = frozenset({"zip", "enumerate", "list", "tuple", "dict", "sorted", "reversed", "iter", "len"})
SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


#: Why the rewrite is an unsafe fix (made only with --unsafe-fixes).
UNSAFE_BECAUSE = ("the work shares one event loop instead of threads, and a failure cancels the other "
                  "tasks instead of letting them finish")


@dataclass
class _Plan:
    with_node: cst.With
    function: cst.FunctionDef
    is_async: bool
    tg: str
    group: str
    max_workers: Optional[str]


class ThreadPoolToTaskGroup(Rule):
    """Rewrite a ``with ThreadPoolExecutor(...) as pool:`` fan-out into a TaskGroup.

    What it does
    ------------
    In a block ``with ThreadPoolExecutor(...) as pool:`` whose pool is only
    used to ``submit`` work, ``pool.submit(asyncio.run, coro)`` becomes
    ``tg.create_task(coro)`` and ``pool.submit(fn, *args, **kwargs)`` becomes
    ``tg.create_task(asyncio.to_thread(fn, *args, **kwargs))``.  The pool
    becomes

    * in an ``async def``: ``async with asyncio.TaskGroup() as tg:``, wrapped
      in ``try``/``except*`` re-raising the first failure unwrapped (as
      ``future.result()`` raised it);
    * in a ``def``: ``with _BlockingTaskGroup() as tg:``, a helper (inserted
      once into the module, see :mod:`codemods.boundary`) that runs all the
      tasks concurrently under one ``asyncio.run`` when the block exits.  Such
      a function cannot be called while an event loop runs in its thread: a
      call from an ``async def`` of the module is reported.

    The futures (now task handles) keep their ``.result()`` after the block.
    It rewrites only what it can prove equivalent enough (see Left alone).
    A literal ``max_workers`` of 2 or more (or ``None``) is dropped: the tasks
    are no longer limited to that many at a time (the fix's message says so);
    the calls already ran concurrently in no fixed order, so only the load
    changes.  If the block raises, work submitted in it no longer runs (a
    TaskGroup cancels it).

    Why is this bad
    ---------------
    ``pool.submit(asyncio.run, coro)`` costs one thread *and* one event loop
    per call: memory, loop start-up, and objects bound to one loop (clients,
    locks) cannot be shared.  Nothing is cancelled when a call fails: the
    other threads run to completion before the error surfaces, and a blocked
    ``with`` cannot be interrupted.  In an ``async def`` the ``with`` block
    also blocks the running event loop while it waits.

    Example
    -------
    Before::

        def fetch_quotes(self, symbols):
            with ThreadPoolExecutor(max_workers=4) as pool:
                futures = {s: pool.submit(asyncio.run, self.tools.get_stock_price(s)) for s in symbols}
            return {s: future.result() for s, future in futures.items()}

    After::

        def fetch_quotes(self, symbols):
            with _BlockingTaskGroup() as tg:
                futures = {s: tg.create_task(self.tools.get_stock_price(s)) for s in symbols}
            return {s: future.result() for s, future in futures.items()}

    Fix safety
    ----------
    Unsafe (made only with ``--unsafe-fixes``; otherwise reported as an unsafe
    fix not applied).  Changes concurrency: a literal ``max_workers`` of 2 or more is dropped, the
    work shares one event loop instead of one per thread (loop-bound objects are
    shared), and a failure cancels the rest instead of letting them finish.
    Results on the success path are unchanged.  Needs Python 3.11.

    Left alone
    ----------
    Each with a ``[left alone]`` finding saying why.  A thread pool reports a
    failing call only when its ``.result()`` is read; a TaskGroup raises when
    the block exits, before any result is read.  So it leaves alone:

    * results read one by one with something observable in between, from the
      block's end to the last read (to the end of a loop that reads): a
      ``yield`` (``for f in futures: yield f.result()``), an ``await``, a
      ``return``/``raise``/``break``/``continue``, a call other than
      ``.result()``, side-effect-free builtins and container methods of the
      function's own locals (``print``, ``log``, ``self.save``), or a store
      into anything but a local (``self.cache[s] = f.result()``);
    * ``.result()`` inside a ``try`` that catches exceptions (per-future error
      handling), and a ``with`` block inside one (the TaskGroup's error would
      reach the handler);
    * ``.result()`` inside the block, or with a timeout; ``as_completed``,
      ``wait``, ``.exception()``, ``.add_done_callback()``, ``.cancel()``,
      ``.done()``; futures returned, stored or passed on;
    * ``max_workers=1`` (the calls ran one at a time; a TaskGroup runs them at
      once) and a ``max_workers`` that is not a literal (it may be 1);
    * any other use of the pool than ``pool.submit(...)`` inside the block:
      ``pool.map(...)``, ``pool.shutdown()``, a pool not entered as ``with
      ThreadPoolExecutor(...) as pool:`` (``pool = ThreadPoolExecutor()``),
      ``initializer=``; a block that yields.
    """

    code = "AGM006"
    min_target = (3, 11)  # asyncio.TaskGroup, except*
    fix_safety = "unsafe"  # concurrency: one event loop, no max_workers, cancel on failure
    name = "thread-pool-to-task-group"
    summary = "with ThreadPoolExecutor() as pool: fan-out -> asyncio.TaskGroup (or _BlockingTaskGroup in sync code)"
    DESCRIPTION = f"{code} {name}: {summary}"  # shown by python -m libcst.tool list
    triggers = ("ThreadPoolExecutor",)
    prefilter = ("concurrent", "agm006_may_apply")  # codemods.prefilter: key string, check
    requires = ()
    runs_after = ()
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports nothing in.
    VALID = (
        """\
        from concurrent.futures import ProcessPoolExecutor


        def square(x: int) -> int:
            return x * x


        def squares(xs):
            with ProcessPoolExecutor() as pool:
                return list(pool.map(square, xs))
        """,
    )
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports (and, where it can, rewrites).
    INVALID = (
        """\
        import concurrent.futures
        import time
        from typing import List

        from agno.run.response import RunResponse
        from agno.workflow import Workflow


        def lookup(symbol: str) -> str:
            time.sleep(0.01)
            return symbol.lower()


        class Flow(Workflow):
            async def arun(self, symbols: List[str]):
                with concurrent.futures.ThreadPoolExecutor() as pool:
                    futures = [pool.submit(lookup, symbol) for symbol in symbols]
                yield RunResponse(content=",".join(future.result() for future in futures))
        """,
    )

    METADATA_DEPENDENCIES = (PositionProvider, QualifiedNameProvider, ParentNodeProvider)

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._functions: List[cst.FunctionDef] = []
        self._plans: Dict[cst.With, _Plan] = {}
        self._submits: Dict[cst.Call, Tuple[_Plan, bool]] = {}  # submit call -> (plan, runs a coroutine)
        self._executor_calls: Set[cst.Call] = set()
        self._asyncio: Optional[str] = None
        self._imports: List[Tuple[str, Optional[str], Optional[str]]] = []  # removable if unused
        self._async_callers: Dict[str, List[Tuple[cst.Call, str]]] = {}
        self._rewrote_sync = False
        self._rewrote = False
        self._callers_reported: Set[str] = set()

    # -- module ------------------------------------------------------------------------
    def nothing_to_do(self, tree: cst.Module) -> bool:
        # Outside workflows a fan-out is out of scope (unless fanout_scope = "all"),
        # and without a Workflow subclass the module has no workflow code.
        return not fanout_everywhere(self.options) and not workflow_class_names(tree)

    def visit_Module(self, node: cst.Module) -> None:
        self._workflow_code = None if fanout_everywhere(self.options) else workflow_code(node)
        self._asyncio = asyncio_alias(node)
        for source, name, alias in top_level_imports(node):
            if (source, name) in {("concurrent.futures", None), ("concurrent.futures", "ThreadPoolExecutor"),
                                  ("concurrent", "futures"), ("asyncio", "run")}:
                self._imports.append((source, name, alias))
        # AGM007, when it runs, gives a Workflow's async methods async twins of the
        # blocking helpers they call: those callers will not reach asyncio.run.
        twinned = workflow_class_names(node) if "AGM007" in self.options.get("selected_rules", ()) else set()
        collector = _AsyncCallCollector(twinned_classes=twinned)
        node.visit(collector)
        self._async_callers = collector.calls

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self._rewrote:
            return updated_node
        for module, obj, asname in self._imports:
            RemoveImportsVisitor.remove_unused_import(self.context, module, obj, asname)
        if self._rewrote_sync:
            updated_node = ensure_boundary_helper(updated_node, self.context)
        return updated_node

    def _asyncio_name(self) -> str:
        return asyncio_name(self)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self._functions.pop()
        return updated_node

    # -- analysis ----------------------------------------------------------------------
    def _line(self, node: cst.CSTNode) -> int:
        return self._position(node)[0]

    def _parents(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        parent = self.get_metadata(ParentNodeProvider, node, None)
        while parent is not None:
            yield parent
            parent = self.get_metadata(ParentNodeProvider, parent, None)

    def _inside(self, node: cst.CSTNode, container: cst.CSTNode) -> bool:
        return any(parent is container for parent in self._parents(node))

    def _nested_scope_between(self, node: cst.CSTNode, outer: cst.CSTNode) -> bool:
        for parent in self._parents(node):
            if parent is outer:
                return False
            if isinstance(parent, SCOPES):
                return True
        return False

    def _is_executor(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Call) and bool(call_qualified_names(self, node) & EXECUTOR_NAMES)

    def visit_Call(self, node: cst.Call) -> None:
        if self._is_executor(node) and node not in self._executor_calls and not self._out_of_scope():
            self.report(node, "ThreadPoolExecutor(...) is not the pool of a `with ... as pool:` block", fixed=False)

    def _out_of_scope(self) -> bool:
        """Not workflow code, and ``fanout_scope`` is not "all"."""
        return self._workflow_code is not None and not any(id(f) in self._workflow_code for f in self._functions)

    def visit_With(self, node: cst.With) -> None:
        items = [item for item in node.items if self._is_executor(item.item)]
        if not items or self._out_of_scope():
            return
        executor = items[0].item
        assert isinstance(executor, cst.Call)
        self._executor_calls.update(item.item for item in items if isinstance(item.item, cst.Call))
        reasons, plan = self._analyse(node, executor)
        if reasons:
            self.report(executor, "ThreadPoolExecutor fan-out: " + "; ".join(reasons), fixed=False)
            return
        assert plan is not None
        dropped = f"; max_workers={plan.max_workers} would be dropped" if plan.max_workers else ""
        if self.hold_unsafe_fix(executor, f"ThreadPoolExecutor fan-out -> TaskGroup: {UNSAFE_BECAUSE}{dropped}"):
            self._submits = {call: planned for call, planned in self._submits.items() if planned[0] is not plan}
            return
        self._plans[node] = plan

    def _analyse(self, node: cst.With, executor: cst.Call) -> Tuple[List[str], Optional[_Plan]]:
        if not self._functions:
            return ["the `with` block is not inside a function"], None
        function = self._functions[-1]
        if node.asynchronous is not None:
            return ["`async with` of a ThreadPoolExecutor is not a fan-out this rule knows"], None
        if len(node.items) != 1:
            return ["the `with` statement also enters other context managers"], None
        asname = node.items[0].asname
        if asname is None or not isinstance(asname.name, cst.Name):
            return ["the pool is not bound to a name (`as pool`)"], None
        pool = asname.name.value

        reasons: List[str] = []
        max_workers: Optional[str] = None
        for index, arg in enumerate(executor.args):
            keyword = arg.keyword.value if arg.keyword else None
            if keyword == "max_workers" or (keyword is None and index == 0 and not arg.star):
                max_workers = self.module.code_for_node(arg.value)
                why = _max_workers_problem(arg.value, max_workers)
                if why:
                    reasons.append(why)
                if m.matches(arg.value, m.Name("None")):
                    max_workers = None  # the default bound: at least 5 threads
            elif keyword == "thread_name_prefix" or (keyword is None and index == 1 and not arg.star):
                continue
            else:
                reasons.append("the pool has an initializer (or other arguments) a TaskGroup cannot honour")
                break

        # Every with-block of this function that binds the same name is a candidate.
        siblings = [
            w
            for w in m.findall(function, m.With())
            if isinstance(w, cst.With)
            and len(w.items) == 1
            and self._is_executor(w.items[0].item)
            and w.items[0].asname is not None
            and m.matches(w.items[0].asname, m.AsName(name=m.Name(pool)))
        ]
        own_submits: List[cst.Call] = []
        for name in m.findall(function, m.Name(pool)):
            assert isinstance(name, cst.Name)
            if any(w.items[0].asname is not None and w.items[0].asname.name is name for w in siblings):
                continue
            parent = self.get_metadata(ParentNodeProvider, name, None)
            call = self.get_metadata(ParentNodeProvider, parent, None) if parent is not None else None
            is_submit = (
                isinstance(parent, cst.Attribute)
                and parent.value is name
                and parent.attr.value == "submit"
                and isinstance(call, cst.Call)
                and call.func is parent
            )
            where = f"line {self._line(name)}"
            if not is_submit:
                use = f"`{pool}.{parent.attr.value}`" if isinstance(parent, cst.Attribute) else f"`{pool}` itself"
                reasons.append(f"{use} is used ({where}); only `{pool}.submit(...)` is rewritten")
                continue
            assert isinstance(call, cst.Call)
            block = next((w for w in siblings if self._inside(name, w.body)), None)
            if block is None:
                reasons.append(f"`{pool}.submit(...)` is called outside the `with` block ({where})")
            elif self._nested_scope_between(name, block):
                reasons.append(f"`{pool}.submit(...)` is called in a nested function or lambda ({where})")
            elif block is node:
                own_submits.append(call)

        submits: List[Tuple[cst.Call, bool]] = []
        for call in own_submits:
            why, runs_coroutine = self._submit_shape(call)
            if why:
                reasons.append(why)
            submits.append((call, runs_coroutine))
        reasons.extend(self._future_use_problems(function, node, own_submits))
        if self._in_catching_try(node, function):
            reasons.append(
                "the `with` block is inside a `try` that catches exceptions: a TaskGroup raises at the block's end, "
                "a thread pool only when `.result()` is read"
            )
        reasons.extend(self._interleaved_reads(function, node))
        if not own_submits and not reasons:
            reasons.append("nothing is submitted to the pool")
        if any(True for _ in m.findall(node.body, m.Yield())):
            reasons.append("the block yields: the tasks would wait for the generator's consumer")
        if reasons:
            return list(dict.fromkeys(reasons)), None

        is_async = function.asynchronous is not None
        names = names_in(function) - {pool}
        tg = unique_name("tg", set(names), numbered=False)
        group = unique_name("group", set(names), numbered=False)
        plan = _Plan(node, function, is_async, tg, group, max_workers)
        for call, runs_coroutine in submits:
            self._submits[call] = (plan, runs_coroutine)
        return [], plan

    def _submit_shape(self, call: cst.Call) -> Tuple[Optional[str], bool]:
        """(why ``pool.submit(...)`` cannot be rewritten, whether it submits ``asyncio.run``)."""
        where = f"line {self._line(call)}"
        if not call.args or call.args[0].keyword is not None or call.args[0].star:
            return f"`submit` without a plain function argument ({where})", False
        function = call.args[0].value
        if isinstance(function, (cst.Name, cst.Attribute)):
            qualified: Set[str] = set()
            try:
                qualified = {q.name for q in self.get_metadata(QualifiedNameProvider, function, set())}
            except KeyError:
                pass
            if "asyncio.run" in qualified or "asyncio.runners.run" in qualified:
                rest = call.args[1:]
                if len(rest) != 1 or rest[0].keyword is not None or rest[0].star:
                    return f"`submit(asyncio.run, ...)` with arguments besides the coroutine ({where})", False
                return None, True
        return None, False

    def _future_use_problems(self, function: cst.FunctionDef, block: cst.With, submits: List[cst.Call]) -> List[str]:
        reasons: List[str] = []
        for call in m.findall(function, m.Call()):
            assert isinstance(call, cst.Call)
            where = f"line {self._line(call)}"
            if call_qualified_names(self, call) & WAIT_NAMES:
                reasons.append(f"the function waits on futures with {get_full_name_for_node(call.func)}() ({where})")
                continue
            if not isinstance(call.func, cst.Attribute):
                continue
            method = call.func.attr.value
            if method in FUTURE_METHODS:
                reasons.append(f"the function calls `.{method}()` ({where}), which a task handle does not mirror")
            elif method == "result":
                if call.args:
                    reasons.append(f"`.result(...)` with a timeout ({where})")
                if self._inside(call, block.body):
                    reasons.append(f"`.result()` is called inside the `with` block ({where}), before the tasks run")
                elif self._in_catching_try(call, function):
                    reasons.append(
                        f"`.result()` is inside a `try` that catches exceptions ({where}): "
                        "per-future error handling would change meaning"
                    )
        reasons.extend(self._escaping_futures(function, block, submits))
        return reasons

    def _span(self, node: cst.CSTNode) -> Tuple[Tuple[int, int], Tuple[int, int]]:
        position = self.get_metadata(PositionProvider, node)
        assert isinstance(position, CodeRange)
        return (position.start.line, position.start.column), (position.end.line, position.end.column)

    def _interleaved_reads(self, function: cst.FunctionDef, block: cst.With) -> List[str]:
        """Why the futures' results are read one by one with something observable in between.

        With a thread pool, a failing future raises only when its ``.result()``
        is read, after everything that ran before that read; a TaskGroup raises
        when the block exits, before any of it.  So from the block's end to the
        last read (to the end of a loop that reads) nothing may yield, return,
        raise, call anything but a known side-effect-free function, or store
        into anything but a local name.
        """
        block_end = self._span(block)[1]
        reads = [
            call for call in m.findall(function, m.Call(func=m.Attribute(attr=m.Name("result"))))
            if isinstance(call, cst.Call) and self._span(call)[0] >= block_end
        ]
        if not reads:
            return []
        region_end = max(self._span(call)[1] for call in reads)
        for call in reads:
            for parent in self._parents(call):
                if parent is function:
                    break
                if isinstance(parent, (cst.For, cst.While)) and self._span(parent)[0] >= block_end:
                    region_end = max(region_end, self._span(parent)[1])
        locals_ = _local_names(function)
        found: List[str] = []

        class _Effects(cst.CSTVisitor):
            def __init__(self, rule: "ThreadPoolToTaskGroup") -> None:
                super().__init__()
                self.rule = rule

            def _in_region(self, node: cst.CSTNode) -> bool:
                start, end = self.rule._span(node)
                return block_end <= start < region_end

            def _add(self, node: cst.CSTNode, what: str) -> None:
                if self._in_region(node):
                    found.append(f"{what} (line {self.rule._line(node)})")

            def visit_Yield(self, node: cst.Yield) -> None:
                self._add(node, "a `yield`")

            def visit_Await(self, node: cst.Await) -> None:
                self._add(node, "an `await`")

            def _control(self, node: cst.CSTNode, keyword: str) -> None:
                # ``return [f.result() for f in futures]`` reads every result before returning.
                if self.rule._span(node)[1] < region_end:
                    self._add(node, f"a `{keyword}`")

            def visit_Return(self, node: cst.Return) -> None:
                self._control(node, "return")

            def visit_Raise(self, node: cst.Raise) -> None:
                self._control(node, "raise")

            def visit_Break(self, node: cst.Break) -> None:
                self._control(node, "break")

            def visit_Continue(self, node: cst.Continue) -> None:
                self._control(node, "continue")

            def visit_Call(self, node: cst.Call) -> None:
                if not _effect_free_call(node, locals_):
                    self._add(node, f"a call to {get_full_name_for_node(node.func) or 'a callable'}()")

            def _store(self, target: cst.BaseExpression) -> None:
                base = target
                while isinstance(base, cst.Subscript):
                    base = base.value
                if isinstance(target, (cst.Tuple, cst.List)):
                    for element in target.elements:
                        self._store(element.value)
                elif not (isinstance(base, cst.Name) and (base is target or base.value in locals_)):
                    self._add(target, f"a store into `{self.rule.module.code_for_node(target)}`")

            def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
                self._store(node.target)

            def visit_AugAssign(self, node: cst.AugAssign) -> None:
                self._store(node.target)

            def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
                self._store(node.target)

        body = function.body
        body.visit(_Effects(self))
        if not found:
            return []
        return [
            f"results are read one by one with {found[0]} in between: a failing future would raise at the "
            "block's end, before it, instead of when its `.result()` is read"
        ]

    def _in_catching_try(self, node: cst.CSTNode, function: cst.FunctionDef) -> bool:
        child: cst.CSTNode = node
        for parent in self._parents(node):
            if parent is function:
                return False
            if isinstance(parent, (cst.Try, cst.TryStar)) and parent.handlers and child is parent.body:
                return True
            child = parent
        return False

    def _escaping_futures(self, function: cst.FunctionDef, block: cst.With, submits: List[cst.Call]) -> List[str]:
        """Why the futures may be used as objects beyond ``.result()`` (returned, stored, passed on)."""
        reasons: List[str] = []
        holders: Set[str] = set()
        for call in submits:
            statement = next(
                (p for p in self._parents(call) if isinstance(p, cst.BaseSmallStatement)), None
            )
            where = f"line {self._line(call)}"
            if isinstance(statement, (cst.Assign, cst.AnnAssign)):
                targets = statement.targets if isinstance(statement, cst.Assign) else [statement]
                for target in targets:
                    if isinstance(target.target, cst.Name):
                        holders.add(target.target.value)
                    else:
                        reasons.append(f"a future is stored in `{self.module.code_for_node(target.target)}` ({where})")
            elif isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Call):
                func = statement.value.func
                if statement.value is call:
                    continue  # fire and forget
                if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
                    holders.add(func.value.value)  # futures.append(pool.submit(...))
                else:
                    reasons.append(f"a future is passed to {self.module.code_for_node(func)}() ({where})")
            else:
                reasons.append(f"a future is used in an unsupported statement ({where})")
        for holder in sorted(holders):
            for name in m.findall(function, m.Name(holder)):
                if self._inside(name, block.body):
                    continue
                parent = self.get_metadata(ParentNodeProvider, name, None)
                if isinstance(parent, (cst.Attribute, cst.CompFor, cst.For)) or (
                    isinstance(parent, cst.Subscript) and parent.value is name
                ):
                    continue
                if isinstance(parent, cst.Arg):
                    call = self.get_metadata(ParentNodeProvider, parent, None)
                    if isinstance(call, cst.Call) and m.matches(call.func, m.Name()):
                        assert isinstance(call.func, cst.Name)
                        if call.func.value in CONTAINER_BUILTINS:
                            continue
                reasons.append(
                    f"the futures in `{holder}` are used as objects (line {self._line(name)}); "
                    "only their `.result()` is known to be safe"
                )
        return reasons

    # -- rewriting ---------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        entry = self._submits.get(original_node)
        if entry is None:
            return updated_node
        plan, runs_coroutine = entry
        create = cst.Attribute(cst.Name(plan.tg), cst.Name("create_task"))
        if runs_coroutine:
            coro = updated_node.args[1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated_node.with_changes(func=create, args=[coro])
        to_thread = updated_node.with_changes(func=cst.Attribute(cst.Name(self._asyncio_name()), cst.Name("to_thread")))
        return cst.Call(create, [cst.Arg(to_thread)])

    def leave_With(
        self, original_node: cst.With, updated_node: cst.With
    ) -> Union[cst.BaseStatement, cst.FlattenSentinel[cst.BaseStatement]]:
        plan = self._plans.get(original_node)
        if plan is None:
            return updated_node
        executor = original_node.items[0].item
        self._rewrote = True
        note = (
            f"; drops max_workers={plan.max_workers}: the tasks are no longer limited to that many at a time"
            if plan.max_workers
            else ""
        )
        item = updated_node.items[0]
        assert item.asname is not None
        if not plan.is_async:
            self._rewrote_sync = True
            self.report(executor, f"ThreadPoolExecutor fan-out -> {BOUNDARY_CLASS} (one event loop){note}")
            self._report_async_callers(plan.function)
            new_item = item.with_changes(
                item=cst.Call(cst.Name(BOUNDARY_CLASS)), asname=item.asname.with_changes(name=cst.Name(plan.tg))
            )
            return updated_node.with_changes(items=[new_item])
        self.report(executor, f"ThreadPoolExecutor fan-out -> asyncio.TaskGroup{note}")
        body = updated_node.body
        if isinstance(body, cst.IndentedBlock):
            statements, header, footer = list(body.body), body.header, list(body.footer)
        else:
            assert isinstance(body, cst.SimpleStatementSuite)
            statements = [cst.SimpleStatementLine(list(body.body), trailing_whitespace=body.trailing_whitespace)]
            header, footer = cst.TrailingWhitespace(), []
        return task_group_try(
            self._asyncio_name(),
            plan.tg,
            plan.group,
            statements,
            leading_lines=updated_node.leading_lines,
            footer=footer,
            header=header,
        )

    def _report_async_callers(self, function: cst.FunctionDef) -> None:
        if function.name.value in self._callers_reported:
            return
        self._callers_reported.add(function.name.value)
        for call, caller in self._async_callers.get(function.name.value, []):
            self.report(
                call,
                f"this call from async {caller}() to {function.name.value}(), which now runs its tasks with "
                f"asyncio.run ({BOUNDARY_CLASS}), raises RuntimeError while {caller}'s event loop runs; "
                f"call an async variant instead (AGM007 twins) or `await asyncio.to_thread(...)` it",
                fixed=False,
            )


#: Builtins that neither have side effects nor run user code worth ordering (on the usual arguments).
EFFECT_FREE_BUILTINS = CONTAINER_BUILTINS | frozenset(
    {"str", "int", "float", "bool", "repr", "round", "abs", "min", "max", "sum", "any", "all", "range", "set",
     "frozenset", "isinstance"}
)
#: Methods that only read or fill a container the function owns.
CONTAINER_METHODS = frozenset(
    {"append", "extend", "add", "update", "insert", "setdefault", "get", "items", "keys", "values", "copy"}
)


def _effect_free_call(call: cst.Call, local_names: AbstractSet[str]) -> bool:
    func = call.func
    if isinstance(func, cst.Name):
        return func.value in EFFECT_FREE_BUILTINS
    if isinstance(func, cst.Attribute):
        if func.attr.value == "result":
            return True
        return (
            func.attr.value in CONTAINER_METHODS
            and isinstance(func.value, cst.Name)
            and func.value.value in local_names
        )
    return False


def _local_names(function: cst.FunctionDef) -> Set[str]:
    """Names the function binds by assignment or loop (not its parameters: the caller may see those)."""
    found: Set[str] = set()

    class _Bound(cst.CSTVisitor):
        def _bind(self, target: cst.BaseExpression) -> None:
            if isinstance(target, cst.Name):
                found.add(target.value)
            elif isinstance(target, (cst.Tuple, cst.List)):
                for element in target.elements:
                    self._bind(element.value)

        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            self._bind(node.target)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            self._bind(node.target)

        def visit_For(self, node: cst.For) -> None:
            self._bind(node.target)

        def visit_CompFor(self, node: cst.CompFor) -> None:
            self._bind(node.target)

    function.body.visit(_Bound())
    params = function.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            every.append(star)
    return found - {param.name.value for param in every}


def _max_workers_problem(value: cst.BaseExpression, spelled: str) -> Optional[str]:
    """Why a ``max_workers`` bound matters to what the code does (not only to how fast it runs)."""
    if m.matches(value, m.Name("None")):
        return None
    if isinstance(value, cst.Integer):
        if int(value.value, 0) <= 1:
            return f"max_workers={spelled} runs the submitted calls one at a time; a TaskGroup would run them at once"
        return None
    return f"max_workers={spelled} is not a literal: it may be 1 (the calls run one at a time); set it or rewrite by hand"


class _AsyncCallCollector(cst.CSTVisitor):
    """Calls ``f(...)``/``self.f(...)``/``cls.f(...)`` made directly in an ``async def``."""

    def __init__(self, twinned_classes: AbstractSet[str] = frozenset()) -> None:
        self.calls: Dict[str, List[Tuple[cst.Call, str]]] = {}
        self._stack: List[Optional[str]] = []  # enclosing async function's name, None otherwise
        self._classes: List[str] = []
        self._twinned_classes = twinned_classes

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._stack.append(node.name.value if node.asynchronous is not None else None)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._stack.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._stack.append(None)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._stack.pop()

    def visit_Call(self, node: cst.Call) -> None:
        caller = self._stack[-1] if self._stack else None
        if caller is None:
            return
        func = node.func
        if isinstance(func, cst.Name):
            self.calls.setdefault(func.value, []).append((node, caller))
        elif m.matches(func, m.Attribute(value=m.Name("self") | m.Name("cls"))):
            assert isinstance(func, cst.Attribute)
            if self._classes and self._classes[-1] in self._twinned_classes:
                return
            self.calls.setdefault(func.attr.value, []).append((node, caller))
