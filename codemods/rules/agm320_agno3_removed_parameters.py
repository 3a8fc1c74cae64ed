"""AGM320 agno3-removed-parameters: keywords agno 3 removed: deleted when that keeps the behaviour, else reported."""

from __future__ import annotations

import libcst as cst

from codemods import agno3_names as names
from codemods.rules.agm31_agno3_support import (
    UNKNOWN,
    Agno3Rule,
    KeywordEdits,
    code_of,
    describe_call,
    keyword_of,
    method_owner,
)


class Agno3RemovedParameters(Agno3Rule):
    """Delete or report the agno 1.x keyword arguments agno 3 no longer has.

    ## What it does
    For each keyword of an agno ``Agent``/``Team``/``Workflow``/db constructor
    call, or of an agent's or team's run method, that agno 3 removed (rows
    without a new name in ``codemods/agno3_names.py``, listed in
    docs/agno3.md):

    * deletes it when its value is one whose absence behaves the same on
      agno 3: ``show_tool_calls=True`` (1.x's default; agno 3's
      ``print_response`` always shows tool calls), ``reasoning=False``,
      ``monitoring=False``, ``memory=None``, ``add_state_in_messages=True``
      (agno 3 resolves state variables by default), a db's ``mode="agent"``
      (agno 3 keeps every session type in one db)...
    * otherwise reports it ``[left alone]`` with the manual step:
      ``reasoning=True`` (pick a reasoning model or ``ReasoningTools``),
      ``memory=Memory(...)`` (``db=`` + ``update_memory_on_run=True``, custom
      settings into ``MemoryManager``), ``continue_run(updated_tools=...)``
      (``requirements=``), ``session_name=``, ``goal=``...

    ## Why is this bad
    Each of these raises ``TypeError`` on agno 3.1.10, except the ones the
    run methods swallow in ``**kwargs`` (``continue_run(updated_tools=...)``
    is silently ignored: the paused tools are never updated).

    ## Example
    ```python
    agent = Agent(model=model, show_tool_calls=True, reasoning=True)
    ```
    becomes
    ```python
    agent = Agent(model=model, reasoning=True)
    ```
    with ``reasoning=True`` reported for a human.

    ## Fix safety
    A keyword is only deleted when its value is, literally, one of the values
    the table marks as behaving the same without it, and the receiver is
    provably agno's (see AGM312/AGM313).  Every other removed keyword is left
    for a human, so ``check --target agno3`` lists it.

    ## Left alone
    * every removed keyword with another value (reported with the manual step);
    * calls on receivers that cannot be proven agno's, except
      ``continue_run(updated_tools=...)``, which is reported wherever it is
      (agno 3 would ignore it silently).
    """

    code = "AGM320"
    name = "agno3-removed-parameters"
    summary = "keywords agno 3 removed: deleted where that keeps the behaviour (show_tool_calls=True), else reported"

    def __init__(self, context) -> None:
        super().__init__(context)
        self._edits = KeywordEdits()

    def visit_Call(self, node: cst.Call) -> None:
        owner = self.owner_of_call(node)
        if owner is None:
            found = method_owner(self, node)
            if found is None:
                return
            receiver, method = found
            if receiver == UNKNOWN and method in ("continue_run", "acontinue_run"):
                for arg in node.args:
                    if keyword_of(arg) == "updated_tools":
                        row = names.keyword_renames(f"Agent.{method}")["updated_tools"]
                        self.report(arg, f"{describe_call(node)}(updated_tools=) left alone: {row.manual}",
                                    fixed=False)
                return
            if receiver not in ("Agent", "Team"):
                return
            owner = f"{receiver}.{method}"
        rows = {old: row for old, row in names.keyword_renames(owner).items() if row.new is None}
        for index, arg in enumerate(node.args):
            keyword = keyword_of(arg)
            row = rows.get(keyword or "")
            if row is None:
                continue
            value = code_of(arg.value).strip()
            if value in row.deletable:
                self._edits.delete(node, index)
                self.report(arg, f"{owner}({keyword}={value}) deleted: agno 3 has no {keyword}= and behaves the "
                            "same without it")
            else:
                self.report(arg, f"{owner}({keyword}=) left alone: {row.manual}", fixed=False)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        return self._edits.apply(original_node, updated_node)
