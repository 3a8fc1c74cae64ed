"""AGM004 asyncio-run-arun: ``asyncio.run(agent.arun(...))`` in sync code."""

from __future__ import annotations

from typing import List, Optional, Union

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from codemods.patterns import bool_literal, keyword, with_keyword
from codemods.rule import Rule


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
    needs a human) and ``asyncio.run(self.arun(...))`` (a workflow's own
    ``arun`` is an async generator, not an agent call).

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
