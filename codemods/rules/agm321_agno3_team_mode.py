"""AGM321 agno3-team-mode: ``Team(mode=...)`` values whose behaviour changed in agno 3 (report only)."""

from __future__ import annotations

import libcst as cst

from codemods.rules.agm31_agno3_support import Agno3Rule, code_of, keyword_of

#: agno 3.1.10's TeamMode values (agno/team/mode.py).
AGNO3_MODES = frozenset({"coordinate", "route", "broadcast", "tasks"})


class Agno3TeamMode(Agno3Rule):
    """Report ``Team(mode=...)`` values that agno 3 accepts but runs differently.

    ## What it does
    Reports, never rewrites, the ``mode=`` of an agno ``Team(...)`` call:

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
    Report only: which agno 3 mode matches the team's intent is a human
    decision (the guide's mappings are not equivalent in every case).

    ## Left alone
    Everything: ``mode="coordinate"`` (the same in both) and modes agno 3
    added are not reported.
    """

    code = "AGM321"
    name = "agno3-team-mode"
    summary = 'Team(mode="collaborate"/"route") behaves differently on agno 3: reported with the manual step'
    triggers = ("Team",)

    def visit_Call(self, node: cst.Call) -> None:
        if self.owner_of_call(node) != "Team":
            return
        keywords = {keyword_of(arg) for arg in node.args}
        for arg in node.args:
            if keyword_of(arg) != "mode":
                continue
            value = arg.value
            text = value.evaluated_value if isinstance(value, cst.SimpleString) else None
            if text == "collaborate":
                self.report(arg, 'Team(mode="collaborate") left alone: agno 3 has no collaborate mode and runs '
                            'this team like "coordinate"; use mode="broadcast" (every member gets the task) and '
                            "check the answers", fixed=False)
            elif text == "route" and "determine_input_for_members" not in keywords:
                self.report(arg, 'Team(mode="route") left alone: agno 3\'s route lets the leader rewrite the input '
                            "for the member, 1.x forwarded the user's input: add determine_input_for_members=False "
                            "to keep that", fixed=False)
            elif not isinstance(text, str):
                self.report(arg, f"Team(mode={code_of(value).strip()}) left alone: agno 3 runs \"collaborate\" like "
                            "\"coordinate\" and lets \"route\" rewrite the member's input; check the value "
                            "(\"broadcast\" replaces collaborate, determine_input_for_members=False keeps 1.x "
                            "routing)", fixed=False)
            elif text not in AGNO3_MODES:
                self.report(arg, f'Team(mode="{text}") left alone: agno 3 knows only coordinate, route, broadcast '
                            "and tasks", fixed=False)
