"""AGM004 asyncio-run-arun: ``asyncio.run(agent.arun(...))`` in sync code."""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Union

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from codemods import agent_callables
from codemods.patterns import bool_literal, dotted_name, keyword, with_keyword, workflow_class_names
from codemods.rule import Rule


NOT_VISIBLE = "its tools are not visible here: check it has no async tools"


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

    agno 1.8.4's sync ``run()`` treats async callables differently from
    ``arun()``, so the rule rewrites only when every callable the agent may
    run is visibly sync (:mod:`codemods.agent_callables`, which the
    verifier's ``agent-tools`` check asks too): (a) every callable-taking
    keyword of each construction the agent may come from (``tools``,
    ``tool_hooks``, ``retriever``, ``context``, ``knowledge``/``memory``/
    ``storage``/model objects, ``reasoning_agent``, ``team``/``members``,
    and a tool's own ``pre_hook``/``post_hook``/``tool_hooks``), where the
    construction is an ``Agent(...)``/``Team(...)`` assigned to ``self.<x>``
    in a method or as a class attribute, to a module-level or local name,
    returned by a builder function or method, a ``property`` or
    ``cached_property`` of the class, or a ``deep_copy(update={...})``; and
    (b) every change the module makes to it afterwards (``<x>.tools = ...``,
    ``.tools.append/extend/insert``, ``.add_tool``, ``.set_tools``,
    ``.tool_hooks``/``.retriever``/``.context[...] = ...``, ``setattr``),
    also through a helper that may be given the agent.  When it cannot see
    the agent at all (passed in or built in another module), it still
    rewrites as an unsafe fix, and its finding says the tools were not
    checked.

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
    Same result for an agent whose callables are all sync: ``run(..., stream=False)``
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
    * an agent (or a team, or one of its members or its reasoning agent) that
      may get an async callable the module shows, in its construction or
      added later: an async tool (an ``async def`` function or method, an
      instance of a module class with ``async def`` methods: a Toolkit), for
      which agno 1.8.4's sync ``Agent.run()`` raises ``Exception("Async
      function ... can't be used with synchronous agent.run()")`` where
      ``arun()`` worked; an async tool hook (the sync run skips it); an async
      retriever, pre/post hook or context function (the sync run never awaits
      it); a knowledge base, memory, storage or model of a class defined in
      the module (the sync run calls its sync methods, not the async ones);
    * an agent whose visible construction (or a change the module makes to
      it) passes a callable this module cannot show to be sync: one defined
      in another module (``from .tools import lookup``), a parameter, a
      ``**settings`` it cannot read, a tool under a decorator other than
      agno's ``tool``;
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
        self._classes: List[cst.ClassDef] = []
        self._functions: List[cst.FunctionDef] = []
        self._agents: Optional[agent_callables.ModuleAgents] = None

    def visit_Module(self, node: cst.Module) -> None:
        self._not_agents = self._non_agent_instances(node)
        self._agents = None

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
                if qualified & agent_callables.AGENT_CLASSES:
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
        spelled = self.module.code_for_node(original_inner.func.value)
        verdict = self._verdict(original_node, spelled)
        reason = verdict.left_alone_reason(spelled) if verdict is not None else None
        if verdict is not None and reason is not None:
            verb = "keep arun() or rewrite by hand" if not verdict.asyncs else "keep arun() and rewrite by hand"
            self.report(original_node, f"{reason}: {verb}", fixed=False)
            return updated_node
        if verdict is not None and verdict.not_agents:
            names = ", ".join(verdict.not_agents)
            self.report(original_node, f"asyncio.run({spelled}.arun(...)): {spelled} may be {names}, not an agno "
                        "Agent or Team: its run() may not take stream= or do what arun() does; rewrite by hand",
                        fixed=False)
            return updated_node
        unknown = verdict is None or bool(verdict.unknown)
        assert isinstance(inner.func, cst.Attribute)
        message = "asyncio.run(<agent>.arun(...)) -> <agent>.run(..., stream=False)"
        if unknown:
            # Unsafe: agno 1.8.4's sync run() rejects async tools this module cannot see.
            message += f"; {spelled}: {NOT_VISIBLE}"
            if self.hold_unsafe_fix(original_node, message):
                return updated_node
        sync_call = inner.with_changes(func=inner.func.with_changes(attr=cst.Name("run")))
        sync_call = with_keyword(sync_call, "stream", bool_literal(False))
        self.report(original_node, message, unsafe=unknown)
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

    def _verdict(self, call: cst.Call, spelled: str) -> Optional[agent_callables.Verdict]:
        """What the module shows of the callables the agent of ``asyncio.run(<spelled>.arun(...))`` may run
        (None: the module cannot be read with ``ast``, nothing is shown)."""
        if self._agents is None:
            try:
                self._agents = agent_callables.ModuleAgents(ast.parse(self.module.code))
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return None
        try:
            receiver = ast.parse(f"(\n{spelled}\n)", mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        line, _ = self._position(call)
        scope, cls = agent_callables.innermost(self._agents, line)
        return self._agents.verdict(receiver, scope, cls)
