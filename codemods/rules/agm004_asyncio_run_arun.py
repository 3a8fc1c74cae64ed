"""AGM004 asyncio-run-arun: ``asyncio.run(agent.arun(...))`` in sync code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from codemods.patterns import bool_literal, dotted_name, keyword, with_keyword, workflow_class_names
from codemods.rule import Rule


AGENT_CLASSES = frozenset({"agno.agent.Agent", "agno.agent.agent.Agent", "agno.team.Team", "agno.team.team.Team"})
TEAM_CLASSES = frozenset({"agno.team.Team", "agno.team.team.Team"})
TOOLKIT_CLASSES = frozenset({"agno.tools.Toolkit", "agno.tools.toolkit.Toolkit"})

#: A value an agent may be bound to, with the function it is evaluated in (None: module or class body).
Binding = Tuple[cst.BaseExpression, Optional[cst.FunctionDef]]

NOT_VISIBLE = "its tools are not visible here: check it has no async tools"


@dataclass
class _Tools:
    """What the module shows of an agent's tools."""

    async_tools: List[str] = field(default_factory=list)  # names of the async tools found
    unknown: bool = False  # part of the agent or its tools is built where this module cannot see
    team: bool = False  # an agno Team was found where the agent is built
    imported: List[str] = field(default_factory=list)  # tools the agent is built with, defined in another module

    def add(self, other: "_Tools") -> None:
        self.async_tools.extend(t for t in other.async_tools if t not in self.async_tools)
        self.imported.extend(t for t in other.imported if t not in self.imported)
        self.unknown = self.unknown or other.unknown
        self.team = self.team or other.team


class AsyncioRunArun(Rule):
    """Call ``agent.run(...)`` instead of ``asyncio.run(agent.arun(...))``.

    ## What it does
    In synchronous functions, rewrites ``asyncio.run(<x>.arun(args))`` into
    ``<x>.run(args, stream=False)`` (the ``stream`` keyword is added only
    when the call did not pass one). Any spelling of ``asyncio.run`` is
    recognised: ``import asyncio as aio``, ``from asyncio import run``.
    Only an argument that is exactly a ``<x>.arun(...)`` call is rewritten:
    ``asyncio.run(asyncio.wait_for(x.arun(m), 10))``,
    ``asyncio.run(x.acontinue_run(...))`` or ``asyncio.run(x.arun(m),
    debug=True)`` stay as they are.

    The rule looks for the agent's construction in the module: an
    ``Agent(...)``/``Team(...)`` assigned to ``self.<x>`` in a method or as
    a class attribute, to a module-level or local name, or returned by a
    builder function of the module.  When it cannot see it (the agent is
    passed in or built in another module), or cannot see all of its tools,
    it still rewrites, and its finding says the tools were not checked.

    ## Why is this bad
    Every ``asyncio.run`` creates and tears down a whole event loop just to
    call an agent whose sync ``run`` does the same work directly.  It also
    fails outright when the sync code is itself called from a running loop
    (Jupyter, an async web handler, agno's own async paths).  agno's ``stream``
    flag sticks on an agent once set, so the rewrite passes ``stream=False``
    explicitly to keep the ``RunResponse`` the old call returned.

    ## Example
    ```python
    def _route(self, message: str) -> str:
        response = asyncio.run(self.router.arun(message))
        return response.content
    ```
    becomes
    ```python
    def _route(self, message: str) -> str:
        response = self.router.run(message, stream=False)
        return response.content
    ```

    ## Fix safety
    Same result for an agent whose tools are all sync: ``run(..., stream=False)``
    returns the ``RunResponse`` that ``arun`` returned; ``stream=False`` is passed
    explicitly because the flag sticks on an agent once set: a safe fix.  Where
    the agent's tools cannot be seen from the module (it is passed in or built
    elsewhere) the fix is unsafe, since agno 1.8.4's sync ``run()`` rejects
    async tools: it is made only with ``--unsafe-fixes`` and otherwise reported
    as an unsafe fix not applied.

    ## Left alone
    Each with a ``[left alone]`` finding saying why:

    * ``arun(..., stream=True)``: ``asyncio.run`` hands back an async
      generator nobody can iterate synchronously, that code needs a human;
    * ``asyncio.run(self.arun(...))``: a workflow's own ``arun`` is an async
      generator, not an agent call;
    * ``<x>.arun`` where the module binds ``x`` to an instance of another
      class than agno's ``Agent``/``Team`` (``x = PerformanceEval(...)``,
      ``x = MyWorkflow(...)``): an eval's ``run()`` takes no ``stream=`` and
      a workflow's ``run()`` is its own method, which need not do what its
      ``arun()`` does;
    * an agent (or a team, or one of its members) whose visible construction
      has an async tool defined in the module: an ``async def`` function or
      method, or an instance of a module class with ``async def`` methods (a
      Toolkit).  agno 1.8.4's sync ``Agent.run()`` raises ``Exception("Async
      function ... can't be used with synchronous agent.run()")`` for them
      where ``arun()`` worked;
    * an agent whose visible construction passes a tool defined in another
      module (``from .tools import lookup``): whether it is async cannot be
      seen from this file;
    * ``asyncio.run(...)`` inside an ``async def`` (it fails at run time).
    """

    code = "AGM004"
    fix_safety = "mixed"  # unsafe where the agent's tools are not visible
    name = "asyncio-run-arun"
    summary = "asyncio.run(agent.arun(...)) in sync code: call agent.run(...) instead"
    DESCRIPTION = f"{code} {name}: {summary}"  # shown by python -m libcst.tool list
    triggers = (".arun(",)
    prefilter = ("async", "agm004_may_apply")  # codemods.prefilter: key string, check
    requires = ()
    runs_after = ()
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports nothing in.
    VALID = (
        """\
        from agno.agent import Agent


        class Router:
            def __init__(self, agent: Agent) -> None:
                self.router = agent

            async def aroute(self, message: str) -> str:
                response = await self.router.arun(message)
                return str(response.content)
        """,
    )
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports (and, where it can, rewrites).
    INVALID = (
        """\
        import asyncio

        from agno.agent import Agent


        class Router:
            router = Agent(telemetry=False)

            def route(self, message: str) -> str:
                response = asyncio.run(self.router.arun(message))
                return str(response.content)
        """,
    )

    METADATA_DEPENDENCIES = (*Rule.METADATA_DEPENDENCIES, QualifiedNameProvider)

    def __init__(self, context) -> None:
        super().__init__(context)
        self._function_is_async: List[bool] = []
        self._not_agents: Dict[str, str] = {}
        self._module_functions: Dict[str, cst.FunctionDef] = {}
        self._module_classes: Dict[str, cst.ClassDef] = {}
        self._module_bindings: Dict[str, List[cst.BaseExpression]] = {}
        self._classes: List[cst.ClassDef] = []
        self._functions: List[cst.FunctionDef] = []

    def visit_Module(self, node: cst.Module) -> None:
        self._not_agents = self._non_agent_instances(node)
        for statement in node.body:
            if isinstance(statement, cst.FunctionDef):
                self._module_functions[statement.name.value] = statement
            elif isinstance(statement, cst.ClassDef):
                self._module_classes[statement.name.value] = statement
        self._module_bindings = _name_bindings(node.body)

    def _non_agent_instances(self, module: cst.Module) -> Dict[str, str]:
        """Names bound anywhere in ``module`` to an instance of a class other than agno's Agent/Team -> class.

        Such a receiver's ``run()`` is not an agent's: an eval's takes no ``stream=``, a Workflow's is the
        user's own method.  Classes are the module's Workflow subclasses and CapWords callees.
        """
        workflows = workflow_class_names(module)
        found: Dict[str, str] = {}
        rule = self

        class _Finder(cst.CSTVisitor):
            def _record(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
                if not (isinstance(target, cst.Name) and isinstance(value, cst.Call)):
                    return
                callee = dotted_name(value.func)
                if callee is None:
                    return
                qualified = {q.name for q in rule.get_metadata(QualifiedNameProvider, value.func, set())}
                if qualified & AGENT_CLASSES:
                    return
                if callee in workflows or callee.rpartition(".")[2][:1].isupper():
                    found.setdefault(target.value, callee)

            def visit_Assign(self, node: cst.Assign) -> None:
                for target in node.targets:
                    self._record(target.target, node.value)

            def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
                self._record(node.target, node.value)

        module.visit(_Finder())
        return found

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self._classes.pop()
        return updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._function_is_async.append(node.asynchronous is not None)
        self._functions.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self._function_is_async.pop()
        self._functions.pop()
        return updated_node

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._function_is_async.append(False)

    def leave_Lambda(self, original_node: cst.Lambda, updated_node: cst.Lambda) -> cst.Lambda:
        self._function_is_async.pop()
        return updated_node

    def _is_asyncio_run(self, node: cst.BaseExpression) -> bool:
        names = self.get_metadata(QualifiedNameProvider, node, set())
        return any(qualified.name == "asyncio.run" for qualified in names)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> Union[cst.Call, cst.BaseExpression]:
        if not self._is_asyncio_run(original_node.func):
            return updated_node
        inner = self._arun_call(updated_node)
        if inner is None:
            return updated_node
        if self._function_is_async and self._function_is_async[-1]:
            self.report(original_node, "asyncio.run() inside async code fails at run time; await the call instead",
                        fixed=False)
            return updated_node
        receiver = inner.func.value if isinstance(inner.func, cst.Attribute) else None
        if isinstance(receiver, cst.Name) and receiver.value == "self":
            self.report(original_node, "asyncio.run(self.arun(...)): a workflow's own arun is not an agent call",
                        fixed=False)
            return updated_node
        if isinstance(receiver, cst.Name) and receiver.value in self._not_agents:
            self.report(original_node, f"asyncio.run({receiver.value}.arun(...)): {receiver.value} is an instance of "
                        f"{self._not_agents[receiver.value]}, not an agno Agent or Team: its run() may not take "
                        "stream= or do what arun() does; rewrite by hand", fixed=False)
            return updated_node
        stream = keyword(inner, "stream")
        if stream is not None and not (isinstance(stream.value, cst.Name) and stream.value.value == "False"):
            self.report(original_node, "asyncio.run(<x>.arun(..., stream=...)) returns an async generator sync "
                        "code cannot iterate; rewrite by hand", fixed=False)
            return updated_node
        original_inner = self._arun_call(original_node)
        assert original_inner is not None and isinstance(original_inner.func, cst.Attribute)
        scope = self._functions[-1] if self._functions else None
        tools = self._receiver_tools(original_inner.func.value, scope, depth=0)
        spelled = self.module.code_for_node(original_inner.func.value)
        if tools.async_tools:
            names = ", ".join(tools.async_tools)
            if tools.team:
                why = (f"team {spelled} has async tools ({names}), its own or its members'; agno 1.8.4's sync run() "
                       "cannot run them (a member's run() rejects them)")
            else:
                why = f"agent {spelled} has async tools ({names}); agno 1.8.4's sync run() rejects them"
            self.report(original_node, why + ": keep arun() and rewrite by hand", fixed=False)
            return updated_node
        if tools.imported:
            names = ", ".join(tools.imported)
            self.report(original_node, f"agent {spelled} is built here with tools from another module ({names}): "
                        "agno 1.8.4's sync run() rejects async tools and this module cannot show whether they "
                        "are: keep arun() or rewrite by hand", fixed=False)
            return updated_node
        assert isinstance(inner.func, cst.Attribute)
        message = "asyncio.run(<agent>.arun(...)) -> <agent>.run(..., stream=False)"
        if tools.unknown:
            # Unsafe: agno 1.8.4's sync run() rejects async tools this module cannot see.
            message += f"; {spelled}: {NOT_VISIBLE}"
            if self.hold_unsafe_fix(original_node, message):
                return updated_node
        sync_call = inner.with_changes(func=inner.func.with_changes(attr=cst.Name("run")))
        sync_call = with_keyword(sync_call, "stream", bool_literal(False))
        self.report(original_node, message, unsafe=tools.unknown)
        self.remove_unused_import_by_node(original_node.func)
        return sync_call.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)

    @staticmethod
    def _arun_call(call: cst.Call) -> Optional[cst.Call]:
        if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
            return None
        inner = call.args[0].value
        if isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute) and inner.func.attr.value == "arun":
            return inner
        return None

    # -- the agent's construction and tools ---------------------------------------------
    def _receiver_tools(self, receiver: cst.BaseExpression, scope: Optional[cst.FunctionDef], depth: int) -> _Tools:
        """The tools of the agent(s) ``receiver``, an expression in ``scope``, may be, as far as the module shows."""
        bindings: List[Binding] = []
        if (
            isinstance(receiver, cst.Attribute)
            and isinstance(receiver.value, cst.Name)
            and receiver.value.value == "self"
            and self._classes
        ):
            bindings = _attribute_bindings(self._classes[-1], receiver.attr.value)
        elif isinstance(receiver, cst.Name):
            if scope is not None and receiver.value in _parameter_names(scope):
                bindings = []  # passed in
            elif scope is not None and receiver.value in _name_bindings(_body_of(scope)):
                bindings = [(value, scope) for value in _name_bindings(_body_of(scope))[receiver.value]]
            else:
                bindings = [(value, None) for value in self._module_bindings.get(receiver.value, [])]
        if not bindings:
            return _Tools(unknown=True)
        found = _Tools()
        for value, where in bindings:
            found.add(self._expression_tools(value, where, depth + 1))
        return found

    def _expression_tools(self, value: cst.BaseExpression, scope: Optional[cst.FunctionDef], depth: int) -> _Tools:
        """The tools of the agent(s) expression ``value`` (in ``scope``) builds."""
        if depth > 6:
            return _Tools(unknown=True)
        if isinstance(value, cst.BooleanOperation):
            found = self._expression_tools(value.left, scope, depth + 1)
            found.add(self._expression_tools(value.right, scope, depth + 1))
            return found
        if isinstance(value, cst.IfExp):
            found = self._expression_tools(value.body, scope, depth + 1)
            found.add(self._expression_tools(value.orelse, scope, depth + 1))
            return found
        if isinstance(value, cst.Name) and value.value == "None":
            return _Tools()
        if isinstance(value, (cst.Name, cst.Attribute)):
            return self._receiver_tools(value, scope, depth + 1)
        if not isinstance(value, cst.Call):
            return _Tools(unknown=True)
        if self._is_agent_class(value.func):
            return self._agent_tools(value, scope, depth)
        builder = self._module_functions.get(value.func.value) if isinstance(value.func, cst.Name) else None
        if builder is None:
            return _Tools(unknown=True)
        returned = _returned_values(builder)
        if not returned:
            return _Tools(unknown=True)
        found = _Tools()
        for result in returned:
            found.add(self._expression_tools(result, builder, depth + 1))
        return found

    def _qualified(self, node: cst.CSTNode) -> Set[str]:
        try:
            return {q.name for q in self.get_metadata(QualifiedNameProvider, node, set())}
        except KeyError:
            return set()

    def _is_agent_class(self, func: cst.BaseExpression) -> bool:
        return bool(self._qualified(func) & AGENT_CLASSES)

    def _agent_tools(self, call: cst.Call, scope: Optional[cst.FunctionDef], depth: int) -> _Tools:
        found = _Tools(team=bool(self._qualified(call.func) & TEAM_CLASSES))
        if any(arg.star for arg in call.args):
            return _Tools(unknown=True)  # **kwargs may carry tools
        for arg in call.args:
            name = arg.keyword.value if arg.keyword is not None else None
            if name == "tools":
                found.add(self._tool_list(arg.value))
            elif name == "members":  # a Team's members run their own tools
                if not isinstance(arg.value, (cst.List, cst.Tuple)):
                    found.unknown = True
                    continue
                for element in arg.value.elements:
                    if isinstance(element, cst.StarredElement):
                        found.unknown = True
                    else:
                        found.add(self._expression_tools(element.value, scope, depth + 1))
        return found

    def _tool_list(self, value: cst.BaseExpression) -> _Tools:
        if not isinstance(value, (cst.List, cst.Tuple)):
            # ``tools=SOME_LIST``: built elsewhere, its elements cannot be seen.
            return _Tools(unknown=True, imported=[self.module.code_for_node(value)])
        found = _Tools()
        for element in value.elements:
            if isinstance(element, cst.StarredElement):
                found.unknown = True
                continue
            found.add(self._tool(element.value))
        return found

    def _tool(self, tool: cst.BaseExpression) -> _Tools:
        """Whether ``tool`` (one element of ``tools=[...]``) is async, as far as the module shows."""
        if isinstance(tool, cst.Lambda):
            return _Tools()
        if isinstance(tool, cst.Name):
            function = self._module_functions.get(tool.value)
            if function is not None:
                return _Tools([tool.value]) if function.asynchronous is not None else _Tools()
            bindings = self._module_bindings.get(tool.value)
            if bindings:
                found = _Tools()
                for bound in bindings:
                    found.add(self._tool(bound))
                return found
            return _Tools(unknown=True, imported=[tool.value])
        if (
            isinstance(tool, cst.Attribute)
            and isinstance(tool.value, cst.Name)
            and tool.value.value == "self"
            and self._classes
        ):
            method = _class_functions(self._classes[-1]).get(tool.attr.value)
            if method is not None:
                return _Tools([f"self.{tool.attr.value}"]) if method.asynchronous is not None else _Tools()
            return _Tools(unknown=True)
        if isinstance(tool, cst.Call):
            if isinstance(tool.func, cst.Name) and tool.func.value in self._module_classes:
                cls = self._module_classes[tool.func.value]
                asyncs = [f"{cls.name.value}.{n}" for n, f in _class_functions(cls).items() if f.asynchronous]
                # Its bases (other than agno's Toolkit) may have async tools of their own.
                bases_known = all(self._qualified(base.value) & TOOLKIT_CLASSES for base in cls.bases)
                return _Tools(asyncs, unknown=not asyncs and not bases_known)
            # Function(entrypoint=f), tool(f)(...): an async function passed along is still async.
            found = _Tools(unknown=True)
            for arg in tool.args:
                if isinstance(arg.value, cst.Name) and arg.value.value in self._module_functions:
                    found.add(self._tool(arg.value))
            return found
        return _Tools(unknown=True)


def _body_of(function: cst.FunctionDef) -> Sequence[cst.BaseStatement]:
    return function.body.body if isinstance(function.body, cst.IndentedBlock) else ()


def _parameter_names(function: cst.FunctionDef) -> Set[str]:
    params = function.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            every.append(star)
    return {param.name.value for param in every}


def _class_functions(cls: cst.ClassDef) -> Dict[str, cst.FunctionDef]:
    body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()
    return {statement.name.value: statement for statement in body if isinstance(statement, cst.FunctionDef)}


class _Bindings(cst.CSTVisitor):
    """``name = value`` / ``name: T = value`` in a body, not in nested functions or classes."""

    def __init__(self) -> None:
        self.found: Dict[str, List[cst.BaseExpression]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.found.setdefault(target.target.value, []).append(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name) and node.value is not None:
            self.found.setdefault(node.target.value, []).append(node.value)


def _name_bindings(body: Sequence[cst.BaseStatement]) -> Dict[str, List[cst.BaseExpression]]:
    visitor = _Bindings()
    for statement in body:
        statement.visit(visitor)
    return visitor.found


def _attribute_bindings(cls: cst.ClassDef, attribute: str) -> List[Binding]:
    """Values assigned to ``self.<attribute>`` in ``cls``'s methods (with that method), or to ``attribute``
    in its body (a class attribute, with None)."""
    body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()
    class_level = _name_bindings([s for s in body if not isinstance(s, cst.FunctionDef)]).get(attribute, [])
    found: List[Binding] = [(value, None) for value in class_level]
    scope: Optional[cst.FunctionDef] = None

    class _SelfAssignments(cst.CSTVisitor):
        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

        def _record(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
            if (
                value is not None
                and isinstance(target, cst.Attribute)
                and isinstance(target.value, cst.Name)
                and target.value.value == "self"
                and target.attr.value == attribute
            ):
                found.append((value, scope))

        def visit_Assign(self, node: cst.Assign) -> None:
            for target in node.targets:
                self._record(target.target, node.value)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            self._record(node.target, node.value)

    for function in _class_functions(cls).values():
        scope = function
        function.body.visit(_SelfAssignments())
    return found


def _returned_values(function: cst.FunctionDef) -> List[cst.BaseExpression]:
    """The values ``function``'s own ``return`` statements return."""
    found: List[cst.BaseExpression] = []

    class _Returns(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_Return(self, node: cst.Return) -> None:
            if node.value is not None:
                found.append(node.value)

    function.body.visit(_Returns())
    return found
