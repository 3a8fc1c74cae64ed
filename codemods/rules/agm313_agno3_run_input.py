"""AGM313 agno3-run-input: ``run(message=...)`` -> ``run(input=...)`` on agno agents and teams."""

from __future__ import annotations

import libcst as cst

from codemods import agno3_names as names
from codemods.rules.agm31_agno3_support import (
    OTHER,
    UNKNOWN,
    Agno3Rule,
    KeywordEdits,
    describe_call,
    keyword_of,
    method_owner,
    rename_keywords,
)

#: Keywords that are only worth a warning on a receiver we cannot prove (1.x run methods' names).
_DISTINCTIVE = frozenset({"message", "stream_intermediate_steps"})


class Agno3RunInput(Agno3Rule):
    """Rename the run methods' keywords of agno agents and teams: ``message=`` -> ``input=``.

    ## What it does
    On ``x.run(...)``, ``x.arun(...)``, ``x.print_response(...)``,
    ``x.aprint_response(...)``, ``x.continue_run(...)`` and
    ``x.acontinue_run(...)`` where ``x`` is provably an agno ``Agent`` or
    ``Team``, renames ``message=`` to ``input=`` and
    ``stream_intermediate_steps=`` to ``stream_events=`` (the table in
    ``codemods/agno3_names.py``).  ``x`` is provably agno's when it is the
    constructor call itself, a name assigned once from one, or ``self.x``
    bound once in the module (a class attribute or ``self.x = ...``) from one.

    ## Why is this bad
    agno 3's run methods have no ``message`` parameter (``TypeError``), and
    they swallow ``stream_intermediate_steps`` in ``**kwargs``: the stream
    silently loses its started/completed and tool events.

    ## Example
    ```python
    agent = Agent(model=model)
    agent.run(message="hi", stream=True, stream_intermediate_steps=True)
    ```
    becomes
    ```python
    agent = Agent(model=model)
    agent.run(input="hi", stream=True, stream_events=True)
    ```

    ## Fix safety
    Pure keyword renames, checked against both signatures by
    tests/test_agno3_names.py; positional arguments are unchanged (the first
    parameter is the message in 1.x and the input in agno 3).  Workflows'
    ``run()`` is not touched here: a 1.x Workflow's ``run`` is the user's own
    method (AGM301-AGM309 migrate those).

    ## Left alone
    * a receiver that cannot be proven to be an agno Agent or Team (a
      parameter, a name assigned twice, an attribute set elsewhere): reported
      when the call passes ``message=`` or ``stream_intermediate_steps=``;
    * a call that passes both the old and the new keyword, or a ``**`` dict
      literal with a 1.x key (reported; an opaque ``**kwargs`` is not);
    * a call with neither a message nor ``input``: agno 3's ``run()``
      requires ``input`` (reported).
    """

    code = "AGM313"
    name = "agno3-run-input"
    summary = "agent/team run(message=) -> run(input=), stream_intermediate_steps= -> stream_events="

    def __init__(self, context) -> None:
        super().__init__(context)
        self._edits = KeywordEdits()

    def visit_Call(self, node: cst.Call) -> None:
        found = method_owner(self, node)
        if found is None:
            return
        owner, method = found
        keywords = [keyword_of(arg) for arg in node.args]
        if owner in (UNKNOWN,):
            stale = sorted(_DISTINCTIVE & set(filter(None, keywords)))
            if stale and self.module_imports_agno():
                self.report(node, f"{describe_call(node)}({'=, '.join(stale)}=) left alone: cannot prove the receiver "
                            "is an agno Agent or Team; if it is, rename message= to input= and "
                            "stream_intermediate_steps= to stream_events=", fixed=False)
            return
        if owner == OTHER or owner not in ("Agent", "Team"):
            return
        rows = {old: row for old, row in names.keyword_renames(f"{owner}.{method}").items() if row.new is not None}
        rename_keywords(self, self._edits, node, f"{owner}.{method}", f"{owner}.{method}", rows)
        if method in ("run", "arun", "print_response", "aprint_response") and not any(
                arg.star or keyword_of(arg) in (None, "message", "input") for arg in node.args):
            self.report(node, f"{owner}.{method}() left alone: it passes no message, and agno 3 requires input=; "
                        "pass the input explicitly", fixed=False)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        return self._edits.apply(original_node, updated_node)
