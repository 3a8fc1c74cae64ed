"""AGM321 agno3-team-mode: ``Team(mode=...)``: the default deleted, values whose behaviour changed reported."""

from __future__ import annotations

import libcst as cst

from codemods.rules.agm31_agno3_support import Agno3Rule, KeywordEdits, code_of, keyword_of

#: agno 3.1.10's TeamMode values (agno/team/mode.py).
AGNO3_MODES = frozenset({"coordinate", "route", "broadcast", "tasks"})


class Agno3TeamMode(Agno3Rule):
    """Report ``Team(mode=...)`` values that agno 3 accepts but runs differently.

    ## What it does
    Deletes ``mode="coordinate"`` from an agno ``Team(...)`` call that passes
    neither ``respond_directly=`` nor ``delegate_to_all_members=``: agno 3
    then infers coordinate itself, and its ``mode=`` is typed ``TeamMode``,
    so the string fails a type check.  Reports the other ``mode=`` values:

    * ``mode="collaborate"``: agno 3 has no such mode; it accepts the string
      and runs the team like ``coordinate`` (only the leader's chosen member
      works).  The manual step: ``mode="broadcast"``, agno 3's "every member
      gets the task", then check the answers;
    * ``mode="route"`` without ``determine_input_for_members=``: agno 3's
      route lets the leader rewrite the input for the member; agno 1.x
      forwarded the user's input.  The manual step: add
      ``determine_input_for_members=False`` if members must see the user's
      input unchanged;
    * a ``mode=`` that is not a string literal: check it against the above.

    ## Why is this bad
    Both changes are silent: no error, a different team behaviour
    (agno-agi/agno#8210 lists ``mode`` among the reworked parameters;
    agno 3.1.10's ``agno/team/_init.py`` only recognises its four modes).

    ## Example
    ```python
    team = Team(members=[a, b], mode="collaborate")
    ```
    is reported: ``mode="collaborate" ... use mode="broadcast"``.

    ## Fix safety
    Deleting ``mode="coordinate"`` leaves agno 3's team in coordinate mode
    (agno 3.1.10's ``agno/team/_init.py`` infers it when neither flag is
    set).  Everything else is reported only: which agno 3 mode matches the
    team's intent is a human decision.

    ## Left alone
    ``mode="coordinate"`` next to ``respond_directly=`` or
    ``delegate_to_all_members=`` (agno 3 would let the flag decide); every
    other value (reported, except agno 3's own ``broadcast`` and ``tasks``).
    """

    code = "AGM321"
    name = "agno3-team-mode"
    summary = 'Team(mode="coordinate") deleted (agno 3 infers it); "collaborate"/"route" behave differently: reported'
    triggers = ("Team",)

    def __init__(self, context) -> None:
        super().__init__(context)
        self._edits = KeywordEdits()

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        return self._edits.apply(original_node, updated_node)

    def visit_Call(self, node: cst.Call) -> None:
        if self.owner_of_call(node) != "Team":
            return
        keywords = {keyword_of(arg) for arg in node.args}
        for index, arg in enumerate(node.args):
            if keyword_of(arg) != "mode":
                continue
            value = arg.value
            text = value.evaluated_value if isinstance(value, cst.SimpleString) else None
            if text == "coordinate":
                if keywords.isdisjoint({"respond_directly", "delegate_to_all_members"}) and not any(
                        a.star for a in node.args):
                    self._edits.delete(node, index)
                    self.report(arg, 'Team(mode="coordinate") deleted: coordinate is what agno 3 infers, and its '
                                "mode= takes a TeamMode")
            elif text == "collaborate":
                self.report(arg, 'Team(mode="collaborate") left alone: agno 3 has no collaborate mode and runs '
                            'this team like "coordinate"; use mode="broadcast" (every member gets the task) and '
                            "check the answers", fixed=False)
            elif text == "route" and "determine_input_for_members" not in keywords:
                self.report(arg, 'Team(mode="route") left alone: agno 3\'s route lets the leader rewrite the input '
                            "for the member, 1.x forwarded the user's input: add determine_input_for_members=False "
                            "to keep that", fixed=False)
            elif isinstance(value, cst.Attribute) and value.attr.value in AGNO3_MODES and any(
                    q.startswith("agno.team.") and q.endswith(f"TeamMode.{value.attr.value}")
                    for q in self.qualified(value)):
                continue  # already agno 3's TeamMode
            elif not isinstance(text, str):
                self.report(arg, f"Team(mode={code_of(value).strip()}) left alone: agno 3 runs \"collaborate\" like "
                            "\"coordinate\" and lets \"route\" rewrite the member's input; check the value "
                            "(\"broadcast\" replaces collaborate, determine_input_for_members=False keeps 1.x "
                            "routing)", fixed=False)
            elif text not in AGNO3_MODES:
                self.report(arg, f'Team(mode="{text}") left alone: agno 3 knows only coordinate, route, broadcast '
                            "and tasks", fixed=False)
