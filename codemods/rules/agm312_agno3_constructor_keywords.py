"""AGM312 agno3-constructor-keywords: agno 1.x constructor keywords -> their agno 3 names."""

from __future__ import annotations

import libcst as cst

from codemods import agno3_names as names
from codemods.rules.agm31_agno3_support import Agno3Rule, KeywordEdits, describe_call, rename_keywords


class Agno3ConstructorKeywords(Agno3Rule):
    """Rename the keyword arguments agno 3 renamed in ``Agent``, ``Team``, ``Workflow`` and db constructors.

    ## What it does
    In a call of agno's ``Agent``, ``Team`` or ``Workflow`` (or of a storage
    class already renamed by AGM310: ``SqliteDb``, ``PostgresDb``...),
    renames each keyword the table in ``codemods/agno3_names.py`` maps
    (docs/agno3.md lists them): ``response_model`` -> ``output_schema``,
    ``storage`` -> ``db``, ``agent_id``/``team_id``/``workflow_id`` -> ``id``,
    ``context`` -> ``dependencies``, ``add_history_to_messages`` ->
    ``add_history_to_context``, ``num_history_responses`` ->
    ``num_history_runs``, ``stream_intermediate_steps`` -> ``stream_events``,
    ``enable_user_memories`` -> ``update_memory_on_run``, ``table_name`` ->
    ``session_table``...

    ## Why is this bad
    Most 1.x keywords raise ``TypeError`` on agno 3.1.10.  Worse,
    ``stream_intermediate_steps=True`` is swallowed silently: the run streams
    only content, no started/completed events.

    ## Example
    ```python
    agent = Agent(agent_id="a", response_model=Report, storage=db, add_history_to_messages=True)
    ```
    becomes
    ```python
    agent = Agent(id="a", output_schema=Report, db=db, add_history_to_context=True)
    ```

    ## Fix safety
    Only calls whose callee resolves to agno's class through the imports
    (``from agno.agent import Agent``, any alias) are changed; a class of the
    same name defined elsewhere, or a subclass, is not.  Every row is checked
    against the 1.8.4 and 3.1.10 signatures by tests/test_agno3_names.py.
    The values are kept as they are.

    ## Left alone
    * a call that already passes the new keyword too (``Agent(storage=a, db=b)``);
    * keys of a ``**`` dict: reported when the dict is a literal (or a name
      assigned once from one) holding a 1.x key; an opaque ``**kwargs`` is
      not reported (agno 3 code unpacks dicts too);
    * keywords agno 3 removed: AGM320 deletes or reports them;
    * a 1.x storage class (``SqliteStorage(...)``) not renamed by AGM310: its
      keywords are only valid together with the class rename.
    """

    code = "AGM312"
    name = "agno3-constructor-keywords"
    summary = "Agent/Team/Workflow/db constructor keywords renamed in agno 3 (storage= -> db=, ...)"

    def __init__(self, context) -> None:
        super().__init__(context)
        self._edits = KeywordEdits()

    def visit_Call(self, node: cst.Call) -> None:
        owner = self.owner_of_call(node)
        if owner is None:
            return
        rows = {old: row for old, row in names.keyword_renames(owner).items() if row.new is not None}
        if not rows:
            return
        rename_keywords(self, self._edits, node, owner, describe_call(node), rows)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        return self._edits.apply(original_node, updated_node)
