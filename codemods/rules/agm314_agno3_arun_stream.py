"""AGM314 agno3-arun-stream: ``await x.arun(..., stream=True)`` -> ``x.arun(..., stream=True)``."""

from __future__ import annotations

from typing import Dict, Optional

import libcst as cst

from codemods.rules.agm31_agno3_support import UNKNOWN, Agno3Rule, code_of, describe_call, keyword_of

_METHODS = {"arun": ("Agent", "Team"), "acontinue_run": ("Agent",)}


class Agno3ArunStream(Agno3Rule):
    """Stop awaiting ``arun(..., stream=True)``: on agno 3 it is the async iterator itself.

    ## What it does
    Where an agno ``Agent``'s or ``Team``'s ``arun(...)`` (or an agent's
    ``acontinue_run(...)``) is called with the literal ``stream=True`` and
    awaited, drops the ``await``:

    * ``async for event in await agent.arun(x, stream=True):`` ->
      ``async for event in agent.arun(x, stream=True):`` (also in an async
      comprehension)
    * ``events = await agent.arun(x, stream=True)`` ->
      ``events = agent.arun(x, stream=True)`` (then iterated with
      ``async for`` as before), and the same for ``return await ...``.

    ## Why is this bad
    In agno 1.x ``arun`` is a coroutine that returns an async iterator when
    ``stream=True``.  In agno 3 ``arun(stream=True)`` returns the async
    generator directly: awaiting it raises ``TypeError: object
    async_generator can't be used in 'await' expression``.

    ## Example
    ```python
    async for chunk in await self.writer.arun(topic, stream=True):
        yield chunk
    ```
    becomes
    ```python
    async for chunk in self.writer.arun(topic, stream=True):
        yield chunk
    ```

    ## Fix safety
    The expression's value is an async iterator of the run's events before
    and after, so every later use (``async for``, passing it on) is
    unchanged.  Applied only when the receiver is provably an agno Agent or
    Team and ``stream=True`` is written in the call itself.  One difference
    remains by design of agno 3: an error while preparing the run surfaces
    at the first iteration instead of at the ``await``; an assignment or
    ``return`` inside a ``try`` is therefore left alone.

    ## Left alone
    * ``stream=`` with a value that is not the literal ``True``/``False``, or
      no ``stream=`` on an agent built with ``stream=True``: whether the call
      streams is only known at run time (reported: pass ``stream=True`` or
      ``stream=False`` explicitly);
    * a receiver that cannot be proven to be an agno Agent or Team (reported);
    * an awaited streaming call used in any other place (an argument, an
      expression), or assigned/returned inside a ``try`` (reported).
    """

    code = "AGM314"
    name = "agno3-arun-stream"
    summary = "await agent.arun(..., stream=True) -> agent.arun(..., stream=True) iterated with async for"
    triggers = ("arun", "acontinue_run")

    def __init__(self, context) -> None:
        super().__init__(context)
        self._unwrap: Dict[cst.Await, bool] = {}

    def visit_Await(self, node: cst.Await) -> None:
        call = node.expression
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            return
        method = call.func.attr.value
        if method not in _METHODS:
            return
        receiver = call.func.value
        owner = self.owner_of(receiver)
        if owner != UNKNOWN and owner not in _METHODS[method]:
            return
        what = f"await {describe_call(call)}(...)"
        stream = next((arg for arg in call.args if keyword_of(arg) == "stream"), None)
        if stream is None:
            if owner == UNKNOWN or any(arg.star == "**" for arg in call.args):
                return
            constructor = self.constructor_of(receiver)
            default = None if constructor is None else next(
                (arg for arg in constructor.args if keyword_of(arg) == "stream"), None)
            if default is not None and code_of(default.value).strip() != "False":
                self.report(node, f"{what} left alone: the {owner.lower()} is built with stream="
                            f"{code_of(default.value).strip()}, so this call may stream; pass stream=True (then "
                            "agno-migrate drops the await) or stream=False explicitly", fixed=False)
            return
        value = code_of(stream.value).strip()
        if value == "False":
            return
        if value != "True":
            self.report(node, f"{what} left alone: stream={value} is only known at run time; on agno 3 a "
                        "streaming arun() must not be awaited: split the call into `async for ... in "
                        f"{describe_call(call)}(..., stream=True)` and "
                        f"`await {describe_call(call)}(..., stream=False)`",
                        fixed=False)
            return
        if owner == UNKNOWN:
            self.report(node, f"{what} left alone: cannot prove the receiver is an agno Agent or Team; if it is, "
                        "drop the await (agno 3's arun(stream=True) is the async iterator)", fixed=False)
            return
        problem = self._context_problem(node)
        if problem:
            self.report(node, f"{what} left alone: {problem}; drop the await by hand and iterate the call with "
                        "async for", fixed=False)
            return
        self._unwrap[node] = True
        self.report(node, f"{what} -> {describe_call(call)}(...): agno 3's arun(stream=True) is the async iterator "
                    "itself")

    def _context_problem(self, node: cst.Await) -> Optional[str]:
        parent = self.parent(node)
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node and parent.asynchronous is not None:
            return None
        if isinstance(parent, (cst.Assign, cst.AnnAssign, cst.Return)) and parent.value is node:
            current = self.parent(parent)
            while current is not None and not isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
                if isinstance(current, (cst.Try, cst.TryStar)):
                    return ("it is inside a try: agno 3 raises a preparation error at the first iteration, "
                            "not here")
                current = self.parent(current)
            return None
        return "the awaited value is used inside a larger expression"

    def leave_Await(self, original_node: cst.Await, updated_node: cst.Await) -> cst.BaseExpression:
        if original_node not in self._unwrap:
            return updated_node
        expression = updated_node.expression
        if updated_node.lpar and not expression.lpar:
            expression = expression.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
        return expression
