"""AGM311 agno3-positional-arguments: pass by keyword what agno 3 made keyword-only."""

from __future__ import annotations

from typing import List

import libcst as cst

from codemods import agno3_names as names
from codemods.rules.agm31_agno3_support import Agno3Rule, describe_call, keyword_of


class Agno3PositionalArguments(Agno3Rule):
    """Pass ``Team(...)``'s arguments by keyword; report positional ``Workflow(...)``/``Agent(...)`` arguments.

    ## What it does
    agno 1.8.4's ``Team.__init__`` takes ``members, mode, model, name,
    team_id, ...`` positionally; agno 3's takes only ``members``.  This rule
    turns every positional argument of an agno ``Team(...)`` call after the
    first into a keyword argument with the 1.8.4 parameter name (AGM312 then
    renames ``team_id`` to ``id``, AGM321 looks at ``mode``).

    ## Why is this bad
    ``Team([a, b], "route")`` raises ``TypeError`` on agno 3.1.10 (it takes 1
    positional argument).  agno 3's ``Workflow`` and ``Agent`` are
    keyword-only too, and the first parameter of a 2.x ``Workflow`` was
    ``id``, not ``name``.

    ## Example
    ```python
    team = Team([researcher, writer], "coordinate", model)
    ```
    becomes
    ```python
    team = Team([researcher, writer], mode="coordinate", model=model)
    ```

    ## Fix safety
    The parameter names come from agno 1.8.4's signature (checked by
    tests/test_agno3_names.py): the call passes the same values to the same
    parameters.  Only calls whose callee resolves to agno's ``Team`` are
    changed.

    ## Left alone
    * a call with ``*args`` or more positional arguments than the table knows;
    * positional arguments to agno's ``Workflow`` or ``Agent`` (already a
      ``TypeError`` on agno 1.8.4, so their meaning is unknown): reported.
    """

    code = "AGM311"
    requires = ("AGM312",)  # a positional team_id becomes id= through the keyword rule
    name = "agno3-positional-arguments"
    summary = "Team(members, mode, model, ...) -> keywords after members (agno 3 is keyword-only)"

    def __init__(self, context) -> None:
        super().__init__(context)
        self._keywords: dict = {}

    def visit_Call(self, node: cst.Call) -> None:
        owner = self.owner_of_call(node)
        if owner not in ("Team", "Workflow", "Agent"):
            return
        positional = [i for i, arg in enumerate(node.args) if keyword_of(arg) is None and not arg.star]
        if owner in ("Workflow", "Agent"):
            if positional or any(arg.star == "*" for arg in node.args):
                self.report(node, f"{describe_call(node)}(...) left alone: agno 3's {owner} takes keyword "
                            "arguments only; pass each argument by name", fixed=False)
            return
        keep = len(names.POSITIONAL_3X[owner])
        order = names.POSITIONAL_1X[owner]
        moved = [i for i in positional if i >= keep]
        starred = any(arg.star == "*" for arg in node.args)
        if not moved and not starred:
            return
        if starred or len(positional) > len(order):
            self.report(node, f"{describe_call(node)}(...) left alone: agno 3's Team takes only members "
                        f"positionally; pass the others by name (1.8.4 order: {', '.join(order)}, ...)", fixed=False)
            return
        self._keywords[node] = {i: order[i] for i in moved}
        self.report(node, f"{describe_call(node)}(...): {', '.join(order[i] + '=' for i in moved)} passed by "
                    "keyword (agno 3's Team takes only members positionally)")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        keywords = self._keywords.get(original_node)
        if not keywords:
            return updated_node
        args: List[cst.Arg] = []
        for index, arg in enumerate(updated_node.args):
            if index in keywords:
                arg = arg.with_changes(keyword=cst.Name(keywords[index]), equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
            args.append(arg)
        return updated_node.with_changes(args=args)
