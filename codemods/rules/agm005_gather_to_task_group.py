"""AGM005: ``await asyncio.gather(...)`` -> ``asyncio.TaskGroup``.

The ``try``/``async with TaskGroup``/``except*`` builder, the module's
``asyncio`` alias and collision-free local names it shares with AGM006 live in
:mod:`codemods.taskgroup`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple, Union

import libcst as cst
import libcst.matchers as m
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import RemoveImportsVisitor
from libcst.metadata import ParentNodeProvider, PositionProvider, QualifiedNameProvider

from codemods.patterns import ModuleImports, import_bound_names, workflow_class_names, workflow_code
from codemods.rule import Rule
from codemods.scope import fanout_everywhere
from codemods.taskgroup import (asyncio_alias, asyncio_name, call_qualified_names, comment_line, comments_in,
                                names_in, task_group_try, unique_name)

GATHER_NAMES = frozenset({"asyncio.gather", "asyncio.tasks.gather"})

#: Calls that return a Future/Task rather than a coroutine: TaskGroup.create_task
#: rejects those, so a gather of them is left alone.
FUTURE_FACTORY_NAMES = frozenset(
    {
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.wrap_future",
        "asyncio.shield",
        "asyncio.gather",
        "asyncio.run_coroutine_threadsafe",
        "asyncio.tasks.create_task",
        "asyncio.tasks.ensure_future",
        "asyncio.tasks.gather",
        "asyncio.tasks.shield",
    }
)
FUTURE_FACTORY_METHODS = frozenset({"create_task", "ensure_future", "run_in_executor", "create_future", "submit"})

#: asyncio functions that return a coroutine (TaskGroup.create_task accepts their result).
COROUTINE_FUNCTION_NAMES = frozenset(
    {
        "asyncio.sleep",
        "asyncio.wait_for",
        "asyncio.to_thread",
        "asyncio.tasks.sleep",
        "asyncio.tasks.wait_for",
        "asyncio.threads.to_thread",
    }
)

#: Why a gather whose arguments are not all provably coroutines is left alone.
NOT_COROUTINES = "gather's arguments are not provably coroutines (TaskGroup.create_task takes coroutines only)"


@dataclass
class _ModuleDefinitions:
    """What the module defines, to tell a coroutine call from another awaitable."""

    functions: Dict[str, bool] = field(default_factory=dict)  # module-level def name -> async
    classes: Dict[str, cst.ClassDef] = field(default_factory=dict)  # module-level classes
    imported: Set[str] = field(default_factory=set)  # names bound by an import anywhere
    owners: Dict[int, cst.ClassDef] = field(default_factory=dict)  # id(method FunctionDef) -> its class


def _methods(cls: cst.ClassDef) -> Dict[str, bool]:
    """Method name -> async, for the methods ``cls`` defines itself."""
    methods: Dict[str, bool] = {}
    for statement in cls.body.body:
        if isinstance(statement, cst.FunctionDef):
            methods[statement.name.value] = statement.asynchronous is not None
    return methods


def _is_class_name(name: str) -> bool:
    """CapWords (``PriceLookup``, ``Query``): by convention a class, whose instance is no coroutine."""
    bare = name.lstrip("_")
    return bool(bare) and bare[0].isupper() and not bare.isupper()

ScopeNode = Union[cst.FunctionDef, cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp]


# -- the rule ------------------------------------------------------------------------


@dataclass
class _Function:
    node: cst.FunctionDef
    is_async: bool
    names: Set[str]  # identifiers of the original function
    taken: Set[str] = field(default_factory=set)  # those plus the names generated so far

    def __post_init__(self) -> None:
        self.taken |= self.names


#: Why the rewrite is an unsafe fix (made only with --unsafe-fixes).
UNSAFE_BECAUSE = ("the first failure cancels the other tasks, which gather let run on, and the first "
                  "error in time is raised")


@dataclass
class _Plan:
    """How one ``await gather(...)`` statement is rewritten (names chosen up front)."""

    kind: str  # "unpack" | "assign" | "expr" | "return"
    tg: str
    group: str
    task_names: List[Optional[str]]  # one per argument (None: no variable)
    tasks_list: Optional[str]  # the list of tasks when an argument is starred
    loop_name: str  # the loop variable of ``for coro in coros: tg.create_task(coro)``


class GatherToTaskGroup(Rule):
    """Rewrite ``await asyncio.gather(...)`` into an ``asyncio.TaskGroup``.

    What it does
    ------------
    Turns an awaited ``asyncio.gather`` of coroutines, used as a statement
    (``a, b = await gather(...)``, ``results = await gather(...)``,
    ``await gather(...)``, ``return await gather(...)``, also with
    ``*coros``), into tasks created in an ``async with asyncio.TaskGroup()``
    block whose results are read after the block.  The block is wrapped in
    ``try``/``except* Exception`` that re-raises the first failure unwrapped,
    so an enclosing ``except SomeError`` keeps catching what ``gather``
    raised.

    It leaves alone, with a warning: ``return_exceptions=True``, a gather that
    is not directly awaited (stored, passed on, wrapped in ``wait_for``), an
    awaited gather inside a larger expression, gathers in synchronous
    functions, lambdas or comprehensions, and gathers of Tasks/Futures
    (``create_task``, ``ensure_future``, ``run_in_executor``) or of other
    awaitables that are not provably coroutines (class instances with
    ``__await__``, plain names, calls of synchronous functions), which
    ``TaskGroup.create_task`` does not accept.

    Why is this bad
    ---------------
    When one awaitable of a ``gather`` fails, the exception propagates but its
    siblings keep running, unsupervised: nothing cancels them, nothing awaits
    them, and their own errors are easily lost ("exception was never
    retrieved").  There is no structured cancellation.  A ``TaskGroup``
    cancels the siblings on the first failure and only exits once every task
    has finished.

    Example
    -------
    Before::

        income, price = await asyncio.gather(
            tools.get_income_statement(symbol),
            tools.get_stock_price(symbol),
        )

    After::

        try:
            async with asyncio.TaskGroup() as tg:
                income_task = tg.create_task(tools.get_income_statement(symbol))
                price_task = tg.create_task(tools.get_stock_price(symbol))
        except* Exception as group:
            raise group.exceptions[0]
        income, price = income_task.result(), price_task.result()

    Fix safety
    ----------
    Unsafe (made only with ``--unsafe-fixes``; otherwise reported as an unsafe
    fix not applied).  Changes failure behaviour: on the first failure the other tasks are
    cancelled (``gather`` let them run on, unsupervised), and when several fail
    the first to fail in time is raised.  A ``BaseException`` that is not an
    ``Exception`` (``KeyboardInterrupt``, ``SystemExit``, a custom control-flow
    signal) raised by a task is no longer propagated as is: ``except* Exception``
    does not match it, so a ``BaseExceptionGroup`` wrapping it escapes, and an
    enclosing ``except ThatSignal`` no longer catches it.  Results and the success
    path are unchanged.  Needs Python 3.11 (below ``--target-version py311`` it reports
    instead of rewriting).

    Left alone
    ----------
    ``return_exceptions=True``; a gather that is not directly awaited (stored,
    passed on, wrapped in ``wait_for``) or is part of a larger expression;
    gathers in synchronous functions, lambdas or comprehensions; gathers of
    Tasks/Futures (``create_task``, ``ensure_future``, ``run_in_executor``);
    gathers whose arguments are not provably coroutines: converted only when
    every argument is a call of an ``async def`` of the module (function,
    ``self`` method, method of a module class held in ``self.<attr>``), an
    ``.arun(...)``, ``asyncio.sleep``/``wait_for``/``to_thread``, a call of a
    parameter, of a function imported from another module or of a method of
    another object (trusted), or a starred comprehension/list of those (or a
    name assigned one, or annotated ``Coroutine``); class instantiations,
    plain names, calls of synchronous functions are left alone;
    and, by default, every gather outside workflow code (``--fanout-scope all``
    widens it).
    """

    code = "AGM005"
    min_target = (3, 11)  # asyncio.TaskGroup, except*
    fix_safety = "unsafe"  # the first failure cancels the other tasks
    name = "gather-to-task-group"
    summary = "await asyncio.gather(...) -> asyncio.TaskGroup with first-exception unwrapping"
    DESCRIPTION = f"{code} {name}: {summary}"  # shown by python -m libcst.tool list
    triggers = ("gather",)
    prefilter = ("async", "agm005_may_apply")  # codemods.prefilter: key string, check
    requires = ()
    runs_after = ()
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports nothing in.
    VALID = (
        """\
        import asyncio


        async def fetch(x: int) -> int:
            return x


        async def both() -> int:
            async with asyncio.TaskGroup() as tg:
                a = tg.create_task(fetch(1))
                b = tg.create_task(fetch(2))
            return a.result() + b.result()
        """,
    )
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports (and, where it can, rewrites).
    INVALID = (
        """\
        import asyncio

        from agno.run.response import RunResponse
        from agno.workflow import Workflow


        async def fetch(x: int) -> int:
            return x


        class Flow(Workflow):
            async def arun(self, message: str):
                a, b = await asyncio.gather(fetch(1), fetch(2))
                yield RunResponse(content=str(a + b))
        """,
    )

    METADATA_DEPENDENCIES = (PositionProvider, QualifiedNameProvider, ParentNodeProvider)

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._scopes: List[Tuple[str, Optional[_Function]]] = []
        self._plans: Dict[cst.SimpleStatementLine, _Plan] = {}
        self._asyncio: Optional[str] = None
        self._gather_imports: List[Optional[str]] = []  # asnames of ``from asyncio import gather``
        self._rewrote = False
        self._defined = _ModuleDefinitions()

    # -- module ------------------------------------------------------------------------
    def nothing_to_do(self, tree: cst.Module) -> bool:
        # Outside workflows a fan-out is out of scope (unless fanout_scope = "all"),
        # and without a Workflow subclass the module has no workflow code.
        return not fanout_everywhere(self.options) and not workflow_class_names(tree)

    def visit_Module(self, node: cst.Module) -> None:
        self._workflow_code = None if fanout_everywhere(self.options) else workflow_code(node)
        self._asyncio = asyncio_alias(node)
        self._defined = self._definitions(node)
        for local, attribute in ModuleImports(node).asyncio_names.items():
            if attribute == "gather":
                self._gather_imports.append(None if local == "gather" else local)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if self._rewrote:
            for asname in self._gather_imports:
                RemoveImportsVisitor.remove_unused_import(self.context, "asyncio", "gather", asname)
        return updated_node

    def _asyncio_name(self) -> str:
        return asyncio_name(self)

    # -- scopes ------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append(("function", _Function(node, node.asynchronous is not None, names_in(node))))

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self._scopes.pop()
        return updated_node

    def _push(self, kind: str) -> None:
        self._scopes.append((kind, None))

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._push("lambda")

    def leave_Lambda(self, original_node: cst.Lambda, updated_node: cst.Lambda) -> cst.BaseExpression:
        self._scopes.pop()
        return updated_node

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._push("comprehension")

    def leave_ListComp(self, original_node: cst.ListComp, updated_node: cst.ListComp) -> cst.BaseExpression:
        self._scopes.pop()
        return updated_node

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._push("comprehension")

    def leave_SetComp(self, original_node: cst.SetComp, updated_node: cst.SetComp) -> cst.BaseExpression:
        self._scopes.pop()
        return updated_node

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._push("comprehension")

    def leave_DictComp(self, original_node: cst.DictComp, updated_node: cst.DictComp) -> cst.BaseExpression:
        self._scopes.pop()
        return updated_node

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._push("comprehension")

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp, updated_node: cst.GeneratorExp) -> cst.BaseExpression:
        self._scopes.pop()
        return updated_node

    # -- analysis ----------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        if not call_qualified_names(self, node) & GATHER_NAMES:
            return
        if self._workflow_code is not None and not any(
            function is not None and id(function.node) in self._workflow_code for _, function in self._scopes
        ):
            return  # not workflow code: out of scope (fanout_scope = "all" widens it)
        planned = set(self._plans)
        reason = self._analyse(node)
        if reason is not None:
            self.report(node, f"asyncio.gather(...) {reason}", fixed=False)
        elif self.hold_unsafe_fix(node, f"asyncio.gather(...) -> asyncio.TaskGroup: {UNSAFE_BECAUSE}"):
            for line in set(self._plans) - planned:
                del self._plans[line]

    def _analyse(self, call: cst.Call) -> Optional[str]:
        """Plan the rewrite of ``call``; return why not when it cannot be rewritten."""
        kind, function = self._scopes[-1] if self._scopes else ("module", None)
        if kind == "module":
            return "at module level is not inside an async function"
        if kind == "lambda":
            return "inside a lambda cannot become a TaskGroup block"
        if kind == "comprehension":
            return "inside a comprehension cannot become a TaskGroup block"
        assert function is not None
        if not function.is_async:
            return "in a synchronous function cannot become an `async with` TaskGroup block"

        for arg in call.args:
            if arg.keyword is None:
                continue
            if arg.keyword.value == "return_exceptions":
                if m.matches(arg.value, m.Name("False")):
                    continue
                return "with return_exceptions collects failures as results, which a TaskGroup cannot do"
            return f"with the keyword argument {arg.keyword.value}= has no TaskGroup equivalent"
        positional = [arg for arg in call.args if arg.keyword is None]
        if any(arg.star == "**" for arg in positional):
            return "with **kwargs cannot be checked for return_exceptions"
        if not positional:
            return "with no awaitables has nothing to run"
        for arg in positional:
            why = self._future_argument(arg, call, function)
            if why:
                return why
        for arg in positional:
            why = self._not_coroutine(arg, function)
            if why:
                return f"{why}: {NOT_COROUTINES}"

        await_node = self.get_metadata(ParentNodeProvider, call, None)
        if not isinstance(await_node, cst.Await) or await_node.expression is not call:
            return "is not directly awaited (the future is stored, passed on or wrapped)"
        statement = self.get_metadata(ParentNodeProvider, await_node, None)
        plan_kind = self._statement_kind(statement, await_node)
        if plan_kind is None:
            return "is awaited inside a larger expression; assign its result to a variable first"
        assert statement is not None
        line = self.get_metadata(ParentNodeProvider, statement, None)
        if not isinstance(line, cst.SimpleStatementLine):
            return "is on the same line as its block's header (`if x: ...`)"
        if len(line.body) != 1:
            return "shares its line with other statements (`;`)"
        self._plans[line] = self._plan(plan_kind, statement, positional, function)
        return None

    def _future_argument(self, arg: cst.Arg, call: cst.Call, function: _Function) -> Optional[str]:
        """Why ``arg`` may be a Task/Future (which TaskGroup.create_task rejects), if so."""
        if self._makes_future(arg.value):
            return "of a Task/Future (create_task, ensure_future, run_in_executor...) cannot use TaskGroup.create_task"
        if isinstance(arg.value, cst.Name):
            name = arg.value.value
            for line in m.findall(function.node, m.SimpleStatementLine()):
                if any(found is call for found in m.findall(line, m.Call())):
                    continue
                if name in names_in(line) and self._makes_future(line):
                    return f"of {name}, which holds Tasks/Futures (TaskGroup.create_task needs coroutines)"
        return None

    def _makes_future(self, node: cst.CSTNode) -> bool:
        for found in m.findall(node, m.Call()):
            assert isinstance(found, cst.Call)
            if call_qualified_names(self, found) & FUTURE_FACTORY_NAMES:
                return True
            if m.matches(found.func, m.Attribute(attr=m.Name())):
                assert isinstance(found.func, cst.Attribute)
                if found.func.attr.value in FUTURE_FACTORY_METHODS:
                    return True
        return False

    # -- are the arguments coroutines? ---------------------------------------------------
    @staticmethod
    def _definitions(module: cst.Module) -> _ModuleDefinitions:
        defined = _ModuleDefinitions()
        for statement in module.body:
            if isinstance(statement, cst.FunctionDef):
                defined.functions[statement.name.value] = statement.asynchronous is not None
            elif isinstance(statement, cst.ClassDef):
                defined.classes[statement.name.value] = statement
        for cls in m.findall(module, m.ClassDef()):
            assert isinstance(cls, cst.ClassDef)
            for statement in cls.body.body:
                if isinstance(statement, cst.FunctionDef):
                    defined.owners[id(statement)] = cls
        for found in m.findall(module, m.Import() | m.ImportFrom()):
            assert isinstance(found, (cst.Import, cst.ImportFrom))
            defined.imported |= import_bound_names(found)
        return defined

    def _enclosing_functions(self) -> List[cst.FunctionDef]:
        """The functions around the gather, innermost first."""
        return [function.node for _, function in reversed(self._scopes) if function is not None]

    def _owner_class(self) -> Optional[cst.ClassDef]:
        """The module class whose method (directly or via a nested function) holds the gather."""
        for node in self._enclosing_functions():
            owner = self._defined.owners.get(id(node))
            if owner is not None:
                return owner
        return None

    def _local_function(self, name: str) -> Optional[bool]:
        """``async`` of a function ``name`` defined inside an enclosing function, if any."""
        for node in self._enclosing_functions():
            for found in m.findall(node.body, m.FunctionDef(name=m.Name(name))):
                assert isinstance(found, cst.FunctionDef)
                return found.asynchronous is not None
        return None

    def _parameter(self, name: str) -> Optional[cst.Param]:
        for node in self._enclosing_functions():
            params = node.params
            for param in (*params.posonly_params, *params.params, *params.kwonly_params):
                if param.name.value == name:
                    return param
        return None

    def _held_class(self, owner: cst.ClassDef, attribute: str) -> Optional[cst.ClassDef]:
        """The module class of ``self.<attribute>`` when ``owner`` assigns it an instance of one."""
        held: Optional[cst.ClassDef] = None
        for assign in m.findall(owner, m.Assign(targets=[m.AssignTarget(m.Attribute(m.Name("self"), m.Name(attribute)))])):
            assert isinstance(assign, cst.Assign)
            value = assign.value
            if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Name)):
                return None
            cls = self._defined.classes.get(value.func.value)
            if cls is None or (held is not None and cls is not held):
                return None
            held = cls
        return held

    def _not_coroutine_call(self, call: cst.Call) -> Optional[str]:
        """Why ``call`` may not return a coroutine, if so (None: a coroutine, or trusted)."""
        qualified = call_qualified_names(self, call)
        if qualified & COROUTINE_FUNCTION_NAMES:
            return None
        func = call.func
        if isinstance(func, cst.Name):
            name = func.value
            local = self._local_function(name)
            if local is not None:
                return None if local else f"calls {name}, a synchronous function"
            if self._parameter(name) is not None:
                return None  # a callable passed in (``a()``): trusted, like an attribute call
            if name in self._defined.classes or (name not in self._defined.functions and _is_class_name(name)):
                return f"instantiates {name} (an awaitable object, not a coroutine)"
            if name in self._defined.functions:
                return None if self._defined.functions[name] else f"calls {name}, a synchronous function"
            if name in self._defined.imported or qualified:
                # A function of another module (``from .tools import fetch``): trusted, like a
                # method of an object self holds (coroutine functions are the norm there; a
                # class, by its CapWords name, is refused above).
                return None
            return f"calls {name}, which is not an async function of this module"
        if isinstance(func, cst.Attribute):
            attribute = func.attr.value
            if attribute == "arun":
                return None  # Agent/Team.arun is a coroutine function
            if _is_class_name(attribute):
                return f"instantiates {attribute} (an awaitable object, not a coroutine)"
            owner = self._owner_class()
            target: Optional[cst.ClassDef] = None
            if m.matches(func.value, m.Name("self")):
                target = owner
            elif owner is not None and m.matches(func.value, m.Attribute(m.Name("self"), m.Name())):
                assert isinstance(func.value, cst.Attribute)
                target = self._held_class(owner, func.value.attr.value)
            if target is not None:
                is_async = _methods(target).get(attribute)
                if is_async is False:
                    return f"calls {attribute}, a synchronous method of {target.name.value}"
            # Otherwise a method of an object (``self.tools.get_price(...)``): trusted as the
            # coroutine method it is in agno workflows.
            return None
        return "calls something that is not a named function"

    def _not_coroutine_element(self, element: cst.BaseExpression) -> Optional[str]:
        """Why an element of a starred argument may not be a coroutine, if so."""
        if isinstance(element, (cst.GeneratorExp, cst.ListComp)):
            return self._not_coroutine_element(element.elt)
        if isinstance(element, (cst.List, cst.Tuple)):
            for item in element.elements:
                why = self._not_coroutine_element(item.value)
                if why:
                    return why
            return None
        if isinstance(element, cst.Call):
            return self._not_coroutine_call(element)
        if isinstance(element, cst.Name):
            return None if self._holds_coroutines(element.value, starred=False) else f"passes {element.value}"
        return "passes an expression that is not a call"

    def _holds_coroutines(self, name: str, *, starred: bool) -> bool:
        """Whether ``name`` provably holds a coroutine (``starred``: an iterable of them)."""
        param = self._parameter(name)
        if param is not None:
            annotation = param.annotation
            return annotation is not None and "Coroutine" in names_in(annotation)
        function = self._enclosing_functions()[0]
        assigned = False
        for assign in m.findall(function.body, m.Assign() | m.AnnAssign()):
            if isinstance(assign, cst.Assign):
                targets = [target.target for target in assign.targets]
            else:
                assert isinstance(assign, cst.AnnAssign)
                targets = [assign.target]
            if not any(m.matches(target, m.Name(name)) for target in targets):
                continue
            value = assign.value
            if value is None or len(targets) != 1:
                return False
            if starred and not isinstance(value, (cst.List, cst.Tuple, cst.ListComp, cst.GeneratorExp)):
                return False
            if not starred and not isinstance(value, cst.Call):
                return False
            if self._not_coroutine_element(value):
                return False
            assigned = True
        return assigned

    def _spell(self, node: cst.CSTNode) -> str:
        text = " ".join(self.module.code_for_node(node).split())
        return text if len(text) <= 60 else text[:57] + "..."

    def _not_coroutine(self, arg: cst.Arg, function: _Function) -> Optional[str]:
        """Why ``arg`` may be an awaitable that is not a coroutine, if so."""
        value = arg.value
        if arg.star == "*":
            if isinstance(value, cst.Name):
                if self._holds_coroutines(value.value, starred=True):
                    return None
                return f"of *{value.value}, which is not provably a list of coroutines"
            if isinstance(value, (cst.GeneratorExp, cst.ListComp, cst.List, cst.Tuple)):
                why = self._not_coroutine_element(value)
                return f"of *{self._spell(value)}, whose element {why}" if why else None
            return f"of *{self._spell(value)}, which is not provably a list of coroutines"
        if isinstance(value, cst.Call):
            why = self._not_coroutine_call(value)
            return f"of {self._spell(value)}, which {why}" if why else None
        if isinstance(value, cst.Name):
            if self._holds_coroutines(value.value, starred=False):
                return None
            return f"of {value.value}, which may be a Task, Future or other awaitable"
        return f"of {self._spell(value)}, which is not a call of an async function"

    @staticmethod
    def _statement_kind(statement: Optional[cst.CSTNode], await_node: cst.Await) -> Optional[str]:
        if isinstance(statement, cst.Expr) and statement.value is await_node:
            return "expr"
        if isinstance(statement, cst.Return) and statement.value is await_node:
            return "return"
        if isinstance(statement, cst.AnnAssign) and statement.value is await_node:
            return "assign"
        if isinstance(statement, cst.Assign) and statement.value is await_node and len(statement.targets) == 1:
            target = statement.targets[0].target
            return "unpack" if isinstance(target, (cst.Tuple, cst.List)) else "assign"
        return None

    def _plan(self, kind: str, statement: cst.CSTNode, args: List[cst.Arg], function: _Function) -> _Plan:
        taken = function.taken
        # Sequential blocks may share ``tg``/``group``: only avoid the user's names.
        tg = unique_name("tg", set(function.names), numbered=False)
        group = unique_name("group", set(function.names), numbered=False)
        taken |= {tg, group}
        starred = any(arg.star == "*" for arg in args)
        target_name = self._target_base(statement)
        if starred:
            list_base = f"{target_name}_tasks" if kind == "assign" and target_name else "tasks"
            tasks_list = None if kind == "expr" else unique_name(list_base, taken)
            loop_name = unique_name("coro", taken) if kind == "expr" else "coro"
            return _Plan(kind, tg, group, [None] * len(args), tasks_list, loop_name)
        names: List[Optional[str]]
        if kind == "expr":
            names = [None] * len(args)
        elif kind == "unpack":
            assert isinstance(statement, cst.Assign)
            target = statement.targets[0].target
            assert isinstance(target, (cst.Tuple, cst.List))
            bases = [self._element_base(element) for element in target.elements]
            if len(bases) == len(args) and all(bases):
                names = [unique_name(f"{base}_task", taken) for base in bases]
            else:
                names = [unique_name(f"task_{index}", taken) for index in range(len(args))]
        elif kind == "assign" and target_name:
            names = [unique_name(f"{target_name}_task_{index}", taken) for index in range(len(args))]
        else:
            names = [unique_name(f"task_{index}", taken) for index in range(len(args))]
        return _Plan(kind, tg, group, names, None, "coro")

    @staticmethod
    def _base_of(expression: cst.BaseExpression) -> Optional[str]:
        if isinstance(expression, cst.Name):
            name = expression.value
        elif isinstance(expression, cst.Attribute):
            name = expression.attr.value
        else:
            return None
        return name if name.strip("_") else None

    def _element_base(self, element: cst.BaseElement) -> Optional[str]:
        if isinstance(element, cst.StarredElement):
            return None
        return self._base_of(element.value)

    def _target_base(self, statement: cst.CSTNode) -> Optional[str]:
        if isinstance(statement, cst.AnnAssign):
            return self._base_of(statement.target)
        if isinstance(statement, cst.Assign):
            return self._base_of(statement.targets[0].target)
        return None

    # -- rewriting ---------------------------------------------------------------------
    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Union[cst.BaseStatement, cst.FlattenSentinel[cst.BaseStatement]]:
        plan = self._plans.get(original_node)
        if plan is None:
            return updated_node
        statement = updated_node.body[0]
        value = getattr(statement, "value", None)
        assert isinstance(value, cst.Await) and isinstance(value.expression, cst.Call)
        call = value.expression
        args = [arg for arg in call.args if arg.keyword is None]
        asyncio_name = self._asyncio_name()

        body, footer, results = self._task_statements(plan, call, args)
        header_comment: Optional[cst.TrailingWhitespace] = None
        after: List[cst.BaseStatement] = []
        if plan.kind == "expr":
            header_comment = updated_node.trailing_whitespace
        else:
            assert results is not None
            new_small = statement.with_changes(value=results)
            after.append(updated_node.with_changes(body=[new_small], leading_lines=[]))
        try_stmt = task_group_try(
            asyncio_name,
            plan.tg,
            plan.group,
            body,
            leading_lines=updated_node.leading_lines,
            footer=footer,
            header=header_comment,
        )
        # Never lose a comment: any the placement above missed goes before the tasks.
        kept = [c.value for c in comments_in(try_stmt)] + [c.value for s in after for c in comments_in(s)]
        missing = [c for c in comments_in(updated_node) if not _remove_one(kept, c.value)]
        if missing:
            with_stmt = try_stmt.body.body[0]
            assert isinstance(with_stmt, cst.With) and isinstance(with_stmt.body, cst.IndentedBlock)
            first = with_stmt.body.body[0]
            assert isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
            first = first.with_changes(leading_lines=[*map(comment_line, missing), *first.leading_lines])
            with_stmt = with_stmt.with_changes(
                body=with_stmt.body.with_changes(body=[first, *with_stmt.body.body[1:]])
            )
            try_stmt = try_stmt.with_changes(body=try_stmt.body.with_changes(body=[with_stmt]))
        self._rewrote = True
        self.report(original_node, "asyncio.gather(...) -> asyncio.TaskGroup (first failure cancels the rest)")
        return cst.FlattenSentinel([try_stmt, *after])

    def _task_statements(
        self, plan: _Plan, call: cst.Call, args: List[cst.Arg]
    ) -> Tuple[List[cst.BaseStatement], List[cst.EmptyLine], Optional[cst.BaseExpression]]:
        """The statements inside the TaskGroup block, its footer, and the results expression."""
        create = cst.Attribute(cst.Name(plan.tg), cst.Name("create_task"))
        leading, trailing, footer = _argument_comments(call, args)

        def create_call(value: cst.BaseExpression) -> cst.Call:
            return cst.Call(create, [cst.Arg(value)])

        def line(
            small: cst.BaseSmallStatement, index: int
        ) -> cst.SimpleStatementLine:
            return cst.SimpleStatementLine(
                [small], leading_lines=[comment_line(c) for c in leading[index]], trailing_whitespace=_trailing(trailing[index])
            )

        def comprehension(iterable: cst.BaseExpression) -> cst.ListComp:
            return cst.ListComp(
                create_call(cst.Name("coro")), cst.CompFor(target=cst.Name("coro"), iter=iterable)
            )

        statements: List[cst.BaseStatement] = []
        if plan.tasks_list is None and any(arg.star for arg in args):  # expression statement, starred
            for index, arg in enumerate(args):
                if arg.star:
                    loop = cst.For(
                        target=cst.Name(plan.loop_name),
                        iter=arg.value,
                        body=cst.IndentedBlock(
                            [cst.SimpleStatementLine([cst.Expr(create_call(cst.Name(plan.loop_name)))])]
                        ),
                        leading_lines=[comment_line(c) for c in leading[index]],
                    )
                    statements.append(loop)
                else:
                    statements.append(line(cst.Expr(create_call(arg.value)), index))
            return statements, footer, None

        if plan.tasks_list is not None:
            if len(args) == 1:
                tasks_value: cst.BaseExpression = comprehension(args[0].value)
            else:
                tasks_value = cst.List(
                    [
                        cst.StarredElement(comprehension(arg.value)) if arg.star else cst.Element(create_call(arg.value))
                        for arg in args
                    ]
                )
            assign = cst.Assign([cst.AssignTarget(cst.Name(plan.tasks_list))], tasks_value)
            statements.append(cst.SimpleStatementLine([assign]))
            results: cst.BaseExpression = cst.ListComp(
                cst.Call(cst.Attribute(cst.Name("task"), cst.Name("result"))),
                cst.CompFor(target=cst.Name("task"), iter=cst.Name(plan.tasks_list)),
            )
            return statements, footer, results

        for index, (arg, task_name) in enumerate(zip(args, plan.task_names)):
            if task_name is None:
                small: cst.BaseSmallStatement = cst.Expr(create_call(arg.value))
            else:
                small = cst.Assign([cst.AssignTarget(cst.Name(task_name))], create_call(arg.value))
            statements.append(line(small, index))
        if plan.kind == "expr":
            return statements, footer, None
        calls = [cst.Call(cst.Attribute(cst.Name(name or ""), cst.Name("result"))) for name in plan.task_names]
        if plan.kind == "unpack":
            results = cst.Tuple([cst.Element(c) for c in calls], lpar=[], rpar=[])
        else:
            results = cst.List([cst.Element(c) for c in calls])
        return statements, footer, results


def _remove_one(values: List[str], value: str) -> bool:
    if value in values:
        values.remove(value)
        return True
    return False


def _trailing(comment: Optional[cst.Comment]) -> cst.TrailingWhitespace:
    if comment is None:
        return cst.TrailingWhitespace()
    return cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=comment)


def _split_whitespace(
    whitespace: Union[cst.BaseParenthesizableWhitespace, cst.MaybeSentinel, None],
) -> Tuple[Optional[cst.Comment], List[cst.Comment]]:
    """(comment ending the current line, comments on the lines after) of ``whitespace``."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace.first_line.comment, [line.comment for line in whitespace.empty_lines if line.comment]
    return None, []


def _argument_comments(
    call: cst.Call, args: List[cst.Arg]
) -> Tuple[List[List[cst.Comment]], List[Optional[cst.Comment]], List[cst.EmptyLine]]:
    """Comments between the arguments of ``call``, mapped to the statements replacing them.

    Returns, per argument, the comment lines to put above its statement and the
    comment to put at the end of it, plus the comment lines that followed the
    last argument (they end the block).
    """
    leading: List[List[cst.Comment]] = [[] for _ in args]
    trailing: List[Optional[cst.Comment]] = [None for _ in args]
    footer: List[cst.Comment] = []
    same, following = _split_whitespace(call.whitespace_before_args)
    if args:
        leading[0].extend(c for c in (same, *following) if c is not None)
    for index, arg in enumerate(args):
        regions: List[Union[cst.BaseParenthesizableWhitespace, cst.MaybeSentinel]] = [arg.whitespace_after_arg]
        if isinstance(arg.comma, cst.Comma):
            regions += [arg.comma.whitespace_before, arg.comma.whitespace_after]
        for region in regions:
            same, following = _split_whitespace(region)
            if same is not None:
                if trailing[index] is None:
                    trailing[index] = same
                else:
                    following = [same, *following]
            if index + 1 < len(args):
                leading[index + 1].extend(following)
            else:
                footer.extend(following)
    return leading, trailing, [comment_line(c) for c in footer]
