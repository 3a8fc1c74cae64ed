"""AGM004 asyncio-run-arun: ``asyncio.run(agent.arun(...))`` in sync code."""

from __future__ import annotations

from typing import Dict, List, Optional, Union

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from codemods.patterns import bool_literal, dotted_name, keyword, with_keyword, workflow_class_names
from codemods.rule import Rule


AGENT_CLASSES = frozenset({"agno.agent.Agent", "agno.agent.agent.Agent", "agno.team.Team", "agno.team.team.Team"})


class AsyncioRunArun(Rule):
    """Call ``agent.run(...)`` instead of ``asyncio.run(agent.arun(...))``.

    ## What it does
    In synchronous functions, rewrites ``asyncio.run(<x>.arun(args))`` into
    ``<x>.run(args, stream=False)`` (the ``stream`` keyword is added only
    when the call did not pass one). Any spelling of ``asyncio.run`` is
    recognised: ``import asyncio as aio``, ``from asyncio import run``.

    ## Why is this bad
    Every ``asyncio.run`` creates and tears down a whole event loop just to
    call an agent whose sync ``run`` does the same work directly.  It also
    fails outright when the sync code is itself called from a running loop
    (Jupyter, an async web handler, agno's own async paths).  agno's ``stream``
    flag sticks on an agent once set, so the rewrite passes ``stream=False``
    explicitly to keep the ``RunResponse`` the old call returned.

    Left alone, with a warning: ``arun(..., stream=True)`` (``asyncio.run``
    hands back an async generator nobody can iterate synchronously: that code
    needs a human), ``asyncio.run(self.arun(...))`` (a workflow's own
    ``arun`` is an async generator, not an agent call) and ``<x>.arun`` where
    the module binds ``x`` to an instance of another class than agno's
    ``Agent``/``Team`` (``x = PerformanceEval(...)``, ``x = MyWorkflow(...)``):
    an eval's ``run()`` takes no ``stream=`` and a workflow's ``run()`` is
    its own method, which need not do what its ``arun()`` does.

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
    """

    code = "AGM004"
    name = "asyncio-run-arun"
    summary = "asyncio.run(agent.arun(...)) in sync code: call agent.run(...) instead"
    triggers = (".arun(",)

    METADATA_DEPENDENCIES = (*Rule.METADATA_DEPENDENCIES, QualifiedNameProvider)

    def __init__(self, context) -> None:
        super().__init__(context)
        self._function_is_async: List[bool] = []
        self._not_agents: Dict[str, str] = {}

    def visit_Module(self, node: cst.Module) -> None:
        self._not_agents = self._non_agent_instances(node)

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

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._function_is_async.append(node.asynchronous is not None)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self._function_is_async.pop()
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
        assert isinstance(inner.func, cst.Attribute)
        sync_call = inner.with_changes(func=inner.func.with_changes(attr=cst.Name("run")))
        sync_call = with_keyword(sync_call, "stream", bool_literal(False))
        self.report(original_node, "asyncio.run(<agent>.arun(...)) -> <agent>.run(..., stream=False)")
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
