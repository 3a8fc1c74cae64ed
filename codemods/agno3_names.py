"""What changed between agno 1.8.4 and agno 3.1.10, as data (no LibCST).

The ``--target agno3`` rules (AGM310-AGM349) read their rename tables from
here, ``docs/agno3.md`` prints them (``python -m codemods.agno3_names
--markdown``), and ``tests/test_agno3_names.py`` checks every row against the
installed packages: each old name is imported (and each old keyword found in
``inspect.signature``) under agno 1.8.4 in ``.venv``, each new one under
agno 3.1.10 in ``.venv-agno3``.  A row that is wrong makes that test fail.

Every row names its source (a key of :data:`SOURCES`).  The agno docs are not
a reliable spec (the v2 guide names event classes 1.x never had): rows come
from the installed wheels, the docs are cited for intent.

Tables:

* :data:`IMPORT_RENAMES`: ``from OLD_MODULE import OLD_NAME`` becomes
  ``from NEW_MODULE import NEW_NAME`` (a class, enum or type alias);
* :data:`REMOVED_NAMES`: names agno 3 no longer has, with the manual step;
* :data:`KEYWORD_RENAMES`: a keyword argument of an agno constructor or
  method that has a new name (``new``) or is gone (``new is None``, with the
  manual step, and the literal values whose deletion keeps the behaviour);
* :data:`EVENT_RENAMES`: event enum members and their string values.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

__all__ = [
    "SOURCES", "NameRename", "RemovedName", "KeywordRename", "EventRename",
    "IMPORT_RENAMES", "REMOVED_NAMES", "KEYWORD_RENAMES", "EVENT_RENAMES",
    "RECEIVERS", "OLD_STORAGE_MODULE", "POSITIONAL_1X", "POSITIONAL_3X", "MODULE_NOTES", "REMOVED_FIELDS",
    "FIELD_NOTES", "MANUAL_API",
    "ModuleNote", "module_note", "import_rename", "removed_name", "keyword_renames",
    "event_value_renames", "event_member_renames", "EVENT_ENUM_EXPORTS", "receiver_kind", "markdown",
]

#: Where a row's facts come from.  Every row is also checked by tests/test_agno3_names.py.
SOURCES: Dict[str, str] = {
    "v2-changelog": "agno v2 changelog, https://docs.agno.com/other/v2-changelog",
    "v2-guide": "agno v1→v2 migration guide, https://docs.agno.com/other/v2-migration",
    "v3-guide": "agno v2→v3 migration guide, https://docs.agno.com/other/v3-migration",
    "v3-changelog": "agno v3 changelog, https://docs.agno.com/other/v3-changelog (and agno-agi/agno#8210)",
    "wheels": "the agno 1.8.4 and 3.1.10 wheels (module contents, `inspect.signature`)",
    "team-mode": "agno 3.1.10 agno/team/_init.py (mode resolution)",
    "print-response": "agno 1.8.4 agno/agent/agent.py: show_tool_calls is read only by print_response",
}


@dataclass(frozen=True)
class NameRename:
    old_module: str
    old_name: str
    new_module: str
    new_name: str
    source: str


@dataclass(frozen=True)
class RemovedName:
    module: str
    name: str
    manual: str
    source: str


@dataclass(frozen=True)
class KeywordRename:
    #: ``Agent``, ``Team``, ``Workflow``, a storage class's agno 3 name
    #: (``SqliteDb``), or a method (``Agent.run``).
    owner: str
    old: str
    #: The agno 3 keyword; None when agno 3 has none (see ``manual``).
    new: Optional[str]
    source: str
    #: For a removed keyword: what a human must do.
    manual: str = ""
    #: For a removed keyword: values (as source text) whose deletion keeps the
    #: 1.x behaviour (e.g. the 1.x default when agno 3 behaves like it).
    deletable: FrozenSet[str] = frozenset()


@dataclass(frozen=True)
class EventRename:
    #: The enum's agno 3 module and name (rows are applied after the import renames).
    module: str
    enum: str
    old_member: str
    new_member: str
    old_value: str
    new_value: str
    #: The enum's agno 1.8.4 module and name (for the test).
    old_module: str
    old_enum: str
    source: str


# -- names ---------------------------------------------------------------------

#: The agno 1.x storage package: its modules without a verified row are reported, not renamed.
OLD_STORAGE_MODULE = "agno.storage"

#: agno 1.x event classes whose name changed; the same pattern in the agent and team modules.
_EVENT_CLASS_RENAMES: Tuple[Tuple[str, str], ...] = (
    ("RunResponseStartedEvent", "RunStartedEvent"),
    ("RunResponseContentEvent", "RunContentEvent"),
    ("RunResponseCompletedEvent", "RunCompletedEvent"),
    ("RunResponseErrorEvent", "RunErrorEvent"),
    ("RunResponseCancelledEvent", "RunCancelledEvent"),
)
#: Event classes only the agent module has in 1.8.4.
_AGENT_ONLY_EVENT_RENAMES: Tuple[Tuple[str, str], ...] = (
    ("RunResponsePausedEvent", "RunPausedEvent"),
    ("RunResponseContinuedEvent", "RunContinuedEvent"),
)
#: Event classes whose name did not change (agent and team modules).
_SAME_EVENT_CLASSES: Tuple[str, ...] = (
    "ToolCallStartedEvent", "ToolCallCompletedEvent",
    "ReasoningStartedEvent", "ReasoningStepEvent", "ReasoningCompletedEvent",
    "MemoryUpdateStartedEvent", "MemoryUpdateCompletedEvent",
)
_MODEL_EVENT_CLASSES: Tuple[str, ...] = (
    "ParserModelResponseStartedEvent", "ParserModelResponseCompletedEvent",
    "OutputModelResponseStartedEvent", "OutputModelResponseCompletedEvent",
)


def _build_import_renames() -> Tuple[NameRename, ...]:
    rows: List[NameRename] = []

    def add(old_module: str, old: str, new_module: str, new: str, source: str = "v2-changelog") -> None:
        rows.append(NameRename(old_module, old, new_module, new, source))

    # agno.run.response (1.x) -> agno.run.agent (3.x)
    add("agno.run.response", "RunResponse", "agno.run.agent", "RunOutput")
    add("agno.run.response", "RunResponseEvent", "agno.run.agent", "RunOutputEvent")
    add("agno.run.response", "BaseAgentRunResponseEvent", "agno.run.agent", "BaseAgentRunEvent", "wheels")
    add("agno.run.response", "BaseRunResponseEvent", "agno.run.base", "BaseRunOutputEvent", "wheels")
    add("agno.run.response", "IntermediateRunResponseContentEvent", "agno.run.agent", "IntermediateRunContentEvent")
    for old, new in _EVENT_CLASS_RENAMES + _AGENT_ONLY_EVENT_RENAMES:
        add("agno.run.response", old, "agno.run.agent", new)
    for name in ("RunEvent", "RunStatus") + _SAME_EVENT_CLASSES + _MODEL_EVENT_CLASSES:
        add("agno.run.response", name, "agno.run.agent", name, "wheels")
    # agno.run.base
    add("agno.run.base", "BaseRunResponseEvent", "agno.run.base", "BaseRunOutputEvent", "wheels")
    # agno.agent re-exports (3.x agno.agent re-exports the new names)
    add("agno.agent", "RunResponse", "agno.agent", "RunOutput")
    add("agno.agent", "RunResponseEvent", "agno.agent", "RunOutputEvent")
    for old, new in _EVENT_CLASS_RENAMES + _AGENT_ONLY_EVENT_RENAMES:
        add("agno.agent", old, "agno.agent", new)
    # agno.run.team: the team's own event classes keep their module (same class names as the agent's)
    add("agno.run.team", "TeamRunResponse", "agno.run.team", "TeamRunOutput")
    add("agno.run.team", "TeamRunResponseEvent", "agno.run.team", "TeamRunOutputEvent")
    add("agno.run.team", "BaseTeamRunResponseEvent", "agno.run.team", "BaseTeamRunEvent", "wheels")
    add("agno.run.team", "BaseRunResponseEvent", "agno.run.base", "BaseRunOutputEvent", "wheels")
    add("agno.run.team", "IntermediateRunResponseContentEvent", "agno.run.team", "IntermediateRunContentEvent")
    for old, new in _EVENT_CLASS_RENAMES:
        add("agno.run.team", old, "agno.run.team", new)
    add("agno.run.team", "RunResponse", "agno.run.agent", "RunOutput")
    add("agno.run.team", "RunEvent", "agno.run.agent", "RunEvent", "wheels")
    add("agno.run.team", "RunResponseEvent", "agno.run.agent", "RunOutputEvent", "wheels")
    # agno.team re-exports
    add("agno.team", "TeamRunResponse", "agno.team", "TeamRunOutput")
    add("agno.team", "TeamRunResponseEvent", "agno.team", "TeamRunOutputEvent")
    add("agno.team", "RunResponse", "agno.run.agent", "RunOutput")
    for old, new in _EVENT_CLASS_RENAMES:
        add("agno.team", old, "agno.team", new)
    # agno.run.workflow / agno.workflow: 1.x's workflow event enum is RunEvent, 3.x's is WorkflowRunEvent
    for module in ("agno.run.workflow", "agno.workflow"):
        add(module, "RunEvent", "agno.run.workflow", "WorkflowRunEvent", "wheels")
        add(module, "WorkflowRunResponseStartedEvent", "agno.run.workflow", "WorkflowStartedEvent")
        add(module, "WorkflowRunResponseEvent", "agno.run.workflow", "WorkflowRunOutputEvent")
    add("agno.run.workflow", "BaseWorkflowRunResponseEvent", "agno.run.workflow", "BaseWorkflowRunOutputEvent",
        "wheels")
    add("agno.workflow", "WorkflowCompletedEvent", "agno.run.workflow", "WorkflowCompletedEvent", "wheels")
    add("agno.workflow", "RunResponse", "agno.run.agent", "RunOutput")
    # storage -> db
    for old_module, old, new_module, new in (
        ("agno.storage.sqlite", "SqliteStorage", "agno.db.sqlite", "SqliteDb"),
        ("agno.storage.postgres", "PostgresStorage", "agno.db.postgres", "PostgresDb"),
        ("agno.storage.mysql", "MySQLStorage", "agno.db.mysql", "MySQLDb"),
        ("agno.storage.singlestore", "SingleStoreStorage", "agno.db.singlestore", "SingleStoreDb"),
        ("agno.storage.json", "JsonStorage", "agno.db.json", "JsonDb"),
        ("agno.storage.in_memory", "InMemoryStorage", "agno.db.in_memory", "InMemoryDb"),
    ):
        add(old_module, old, new_module, new, "v2-guide")
    return tuple(rows)


IMPORT_RENAMES: Tuple[NameRename, ...] = _build_import_renames()

_EXTRA_DATA = ("RunResponseExtraData is gone: read references, reasoning_steps, reasoning_messages and "
               "additional_input directly on the RunOutput (extra_data=... becomes metadata=...)")
_AUDIO = "AudioResponse is gone: agno 3 has one media class per kind, use agno.media.Audio (bytes in content=)"

#: agno 1.x names with no agno 3 counterpart.
REMOVED_NAMES: Tuple[RemovedName, ...] = (
    RemovedName("agno.run.response", "RunResponseExtraData", _EXTRA_DATA, "v2-changelog"),
    RemovedName("agno.run.base", "RunResponseExtraData", _EXTRA_DATA, "v2-changelog"),
    RemovedName("agno.run.team", "RunResponseExtraData", _EXTRA_DATA, "v2-changelog"),
    RemovedName("agno.run.response", "AudioResponse", _AUDIO, "v2-changelog"),
    RemovedName("agno.run.team", "AudioResponse", _AUDIO, "v2-changelog"),
    RemovedName("agno.run.base", "AudioResponse", _AUDIO, "v2-changelog"),
    RemovedName("agno.media", "AudioResponse", _AUDIO, "v2-changelog"),
)

_KNOWLEDGE = ("agno 3 redesigned knowledge: build agno.knowledge.knowledge.Knowledge(vector_db=..., contents_db=...) "
              "and add sources with insert()/ainsert() instead of a *KnowledgeBase and load(); readers are picked "
              "per file type.  Existing vector tables need agno's migrate_vectordbs_to_v2 script "
              "(content_hash/content_id columns) before agno 3 can read them")
_MEMORY_MODULE = ("agno 3 has no Memory/MemoryDb objects: pass db=<an agno.db class> to the Agent or Team with "
                  "update_memory_on_run=True, and move custom memory settings (model, classifier, summarizer) to "
                  "memory_manager=MemoryManager(...) from agno.memory; existing memories need agno's database "
                  "migration")
_APPS = ("agno 3 serves agents through AgentOS: from agno.os import AgentOS; app = AgentOS(agents=[...], "
         "interfaces=[...]).get_app() (pip install 'agno[os]'), replacing Playground and the agno.app apps")


@dataclass(frozen=True)
class ModuleNote:
    """An agno 1.x module (and its submodules) that agno 3 no longer has: importing from it needs a human."""
    module: str
    manual: str
    source: str


MODULE_NOTES: Tuple[ModuleNote, ...] = (
    *(ModuleNote(f"agno.knowledge.{name}", _KNOWLEDGE, "v2-guide") for name in (
        "agent", "arxiv", "combined", "csv", "csv_url", "docx", "firecrawl", "gcs", "json", "langchain",
        "light_rag", "llamaindex", "markdown", "pdf", "pdf_bytes", "pdf_url", "s3", "text", "url", "website",
        "wikipedia", "youtube")),
    ModuleNote("agno.document", "agno 3 moved documents, chunking and readers under agno.knowledge "
               "(agno.knowledge.document, agno.knowledge.chunking, agno.knowledge.reader): re-import each class "
               "from there and check its arguments", "v2-changelog"),
    ModuleNote("agno.embedder", "agno 3 moved embedders to agno.knowledge.embedder: re-import the class from there",
               "v2-changelog"),
    ModuleNote("agno.reranker", "agno 3 moved rerankers to agno.knowledge.reranker: re-import the class from there",
               "v2-changelog"),
    *(ModuleNote(f"agno.memory.{name}", _MEMORY_MODULE, "v2-guide") for name in (
        "v2", "agent", "team", "workflow", "memory", "db", "row", "classifier", "summarizer", "summary")),
    ModuleNote("agno.playground", _APPS, "v2-guide"),
    ModuleNote("agno.app", _APPS, "v2-guide"),
    ModuleNote("agno.workflow.v2", "agno 1.8's Workflows 2.0 preview became agno.workflow: import Workflow, Step, "
               "Steps, Loop, Parallel, Condition, Router, StepInput, StepOutput from agno.workflow and rename "
               "Workflow(workflow_id=, storage=, workflow_session_state=) to id=, db=, session_state=, and "
               "run(message=) to run(input=)", "v2-guide"),
)

#: What to do about a constructor field an agno 1.x run or event class had and its agno 3 class lacks.
FIELD_NOTES: Dict[str, str] = {
    "thinking": "agno 3 has no thinking=: pass the text as reasoning_content=",
    "team_session_id": "agno 3 has no team_session_id=: it stores member runs inside the team's session; drop it",
    "formatted_tool_calls": "agno 3 has no formatted_tool_calls=: keep the tool executions in tools=",
    "extra_data": "agno 3 has no extra_data=: pass references=, reasoning_steps=, reasoning_messages=, "
                  "additional_input= directly (on RunOutput), anything else as metadata=",
    "content": "agno 3's workflow started event carries no content=: drop it",
}

_OUTPUT_FIELDS = ("thinking", "team_session_id", "formatted_tool_calls", "extra_data")
_EVENT_FIELDS = ("team_session_id",)
_CONTENT_EVENT_FIELDS = ("team_session_id", "thinking", "extra_data")
_NOT_CONSTRUCTED = {"RunResponseEvent", "TeamRunResponseEvent", "WorkflowRunResponseEvent", "RunEvent", "RunStatus",
                    "BaseRunResponseEvent", "WorkflowCompletedEvent"}


def _build_removed_fields() -> Dict[str, Tuple[str, ...]]:
    out: Dict[str, Tuple[str, ...]] = {}
    for row in IMPORT_RENAMES:
        name = row.old_name
        if row.old_module.startswith(OLD_STORAGE_MODULE + ".") or name in _NOT_CONSTRUCTED:
            continue  # storage keywords: KEYWORD_RENAMES; the others are not dataclasses with new fields
        if name in ("RunResponse", "TeamRunResponse"):
            fields = _OUTPUT_FIELDS
        elif name.startswith("Workflow") or name.startswith("BaseWorkflow"):
            fields = ("content",)
        elif name in ("RunResponseContentEvent", "RunResponseCompletedEvent"):
            fields = _CONTENT_EVENT_FIELDS
        else:
            fields = _EVENT_FIELDS
        out[f"{row.old_module}.{name}"] = fields
    return out


#: ``module.Name`` of an agno 1.x run or event class -> its constructor fields the agno 3 class lacks
#: (AGM310 leaves a call passing one alone).  Checked against both signatures by the tests.
REMOVED_FIELDS: Dict[str, Tuple[str, ...]] = _build_removed_fields()


def module_note(module: str) -> Optional[ModuleNote]:
    """The note of ``module`` or of the nearest package above it, if any."""
    for note in MODULE_NOTES:
        if module == note.module or module.startswith(note.module + "."):
            return note
    return None


#: Package-level imports of 1.x knowledge and memory classes (the packages exist in agno 3, redesigned).
REMOVED_NAMES = REMOVED_NAMES + (
    RemovedName("agno.knowledge", "AgentKnowledge", _KNOWLEDGE, "v2-guide"),
    *(RemovedName("agno.memory", name, _MEMORY_MODULE, "v2-guide")
      for name in ("AgentMemory", "Memory", "MemoryRow", "TeamMemory")),
)

#: Leading positional-or-keyword parameters of agno 1.8.4 constructors that
#: agno 3 made keyword-only (AGM311 passes them by keyword).
POSITIONAL_1X: Dict[str, Tuple[str, ...]] = {
    "Team": ("members", "mode", "model", "name", "team_id", "role", "user_id", "session_id"),
}
#: The positional parameters agno 3.1.10 keeps.
POSITIONAL_3X: Dict[str, Tuple[str, ...]] = {"Team": ("members",)}



# -- keywords ------------------------------------------------------------------

_REASONING = ("agno 3 removed the built-in reasoning loop: pass reasoning_model=<a native reasoning model> "
              "or tools=[ReasoningTools(add_instructions=True)] (from agno.tools.reasoning) and delete this argument")
_SESSION_NAME = ("agno 3 has no session_name= argument: after the first run call "
                 "set_session_name(session_name=...) (and read it with get_session_name())")
_MONITORING = ("agno 3 has no monitoring flag: delete it; run history is kept in db= and shown through AgentOS")
_SHOW_TOOL_CALLS = ("agno 3 has no show_tool_calls switch (print_response always shows tool calls): "
                    "delete the argument, and accept that print_response output now lists tool calls")
_MEMORY = ("agno 3 has no Memory object: give the agent db=<an agno.db class> and update_memory_on_run=True; "
           "for custom memory settings build memory_manager=MemoryManager(...) (agno.memory) and re-check them")
_STATE_IN_MESSAGES = ("agno 3 resolves {session_state} variables in instructions by default (resolve_in_context=True): "
                      "delete add_state_in_messages=True; for False pass resolve_in_context=False and check the "
                      "instructions")
_TEAM_ON_AGENT = ("agno 3 agents no longer carry team features: build an agno.team.Team(members=[...]) "
                  "and move this setting there")
_RETRIES = "agno 3 run methods take no retries=: set retries= on the Agent or Team, or retry in your own code"


def _kw(owner: str, old: str, new: Optional[str], source: str = "v2-changelog", manual: str = "",
        deletable: Iterable[str] = ()) -> KeywordRename:
    return KeywordRename(owner, old, new, source, manual, frozenset(deletable))


def _build_keyword_renames() -> Tuple[KeywordRename, ...]:
    rows: List[KeywordRename] = []
    # Renames shared by Agent and Team.
    for owner in ("Agent", "Team"):
        rows += [
            _kw(owner, "response_model", "output_schema"),
            _kw(owner, "storage", "db", "v2-guide"),
            _kw(owner, "context", "dependencies", "v2-guide"),
            _kw(owner, "add_context", "add_dependencies_to_context", "v2-guide"),
            _kw(owner, "add_history_to_messages", "add_history_to_context"),
            _kw(owner, "add_datetime_to_instructions", "add_datetime_to_context"),
            _kw(owner, "add_location_to_instructions", "add_location_to_context"),
            _kw(owner, "add_references", "add_knowledge_to_context", "v2-guide"),
            _kw(owner, "retriever", "knowledge_retriever", "v2-guide"),
            _kw(owner, "add_memory_references", "add_memories_to_context"),
            _kw(owner, "add_session_summary_references", "add_session_summary_to_context"),
            _kw(owner, "enable_user_memories", "update_memory_on_run", "v3-guide"),
            _kw(owner, "extra_data", "metadata"),
            _kw(owner, "stream_intermediate_steps", "stream_events"),
            _kw(owner, "show_tool_calls", None, "print-response", _SHOW_TOOL_CALLS, {"True"}),
            _kw(owner, "reasoning", None, "v3-guide", _REASONING, {"False"}),
            _kw(owner, "reasoning_min_steps", None, "v3-guide", _REASONING),
            _kw(owner, "reasoning_max_steps", None, "v3-guide", _REASONING),
            _kw(owner, "memory", None, "v2-guide", _MEMORY, {"None"}),
            _kw(owner, "session_name", None, "v2-changelog", _SESSION_NAME),
            _kw(owner, "monitoring", None, "v2-changelog", _MONITORING, {"False"}),
            _kw(owner, "add_state_in_messages", None, "v2-guide", _STATE_IN_MESSAGES, {"True"}),
            _kw(owner, "success_criteria", None, "v2-changelog",
                "agno 3 has no success_criteria: state the criteria in instructions= or check the output yourself"),
        ]
    rows += [
        _kw("Agent", "agent_id", "id"),
        _kw("Agent", "add_name_to_instructions", "add_name_to_context"),
        _kw("Agent", "num_history_responses", "num_history_runs"),
        _kw("Agent", "search_previous_sessions_history", "search_past_sessions", "v3-guide"),
        _kw("Agent", "num_history_sessions", "num_past_sessions_to_search", "v3-guide"),
        _kw("Agent", "add_messages", "additional_input"),
        _kw("Agent", "create_default_system_message", "build_context"),
        _kw("Agent", "create_default_user_message", "build_user_context"),
        _kw("Agent", "goal", None, "v2-changelog",
            "agno 3 has no goal=: fold the goal into description= or instructions="),
        _kw("Agent", "user_message", None, "wheels",
            "agno 3 has no user_message=: pass the message as input to run()/arun()"),
        _kw("Agent", "resolve_context", None, "wheels",
            "agno 3 has no resolve_context=: callables in dependencies= are resolved at run time; check the "
            "dependencies still resolve as before"),
        _kw("Agent", "app_id", None, "wheels", "agno 3 has no app_id=: delete it (AgentOS identifies agents by id=)"),
        _kw("Agent", "team", None, "v2-changelog", _TEAM_ON_AGENT),
        _kw("Agent", "team_data", None, "v2-changelog", _TEAM_ON_AGENT),
        _kw("Agent", "respond_directly", None, "v2-changelog",
            "agno 3 sets this on the team: Team(..., respond_directly=True)"),
        _kw("Agent", "add_transfer_instructions", None, "v2-changelog", _TEAM_ON_AGENT),
        _kw("Agent", "team_response_separator", None, "v2-changelog", _TEAM_ON_AGENT),
        _kw("Team", "team_id", "id"),
        _kw("Team", "add_member_tools_to_system_message", "add_member_tools_to_context"),
        _kw("Team", "team_session_state", None, "v2-changelog",
            "agno 3 teams have one session_state=: merge this dict into session_state= (members share it)"),
        _kw("Team", "workflow_session_state", None, "v2-changelog",
            "agno 3 has no workflow_session_state= on a team: the workflow's session_state reaches the team "
            "through the run context; delete it and read session_state"),
        _kw("Team", "enable_agentic_context", None, "v2-changelog",
            "agno 3 has no agentic context: use session_state= with enable_agentic_state=True"),
        _kw("Team", "enable_team_history", None, "v2-changelog",
            "agno 3 has no enable_team_history=: use add_history_to_context=True (team) or "
            "add_team_history_to_members=True (members)"),
        _kw("Team", "num_of_interactions_from_history", None, "v2-changelog",
            "agno 3 has no num_of_interactions_from_history=: use num_history_runs= (or num_team_history_runs=)"),
        _kw("Team", "read_team_history", None, "v2-changelog",
            "agno 3 has no read_team_history=: give the team tool access to its history with read_chat_history=True"),
        _kw("Workflow", "workflow_id", "id"),
        _kw("Workflow", "storage", "db", "v2-guide"),
        _kw("Workflow", "extra_data", "metadata"),
        _kw("Workflow", "memory", None, "v2-guide", _MEMORY, {"None"}),
        _kw("Workflow", "session_name", None, "v2-changelog", _SESSION_NAME),
        _kw("Workflow", "monitoring", None, "v2-changelog", _MONITORING, {"False"}),
        _kw("Workflow", "app_id", None, "wheels",
            "agno 3 has no app_id=: delete it (AgentOS identifies workflows by id=)"),
    ]
    # Storage classes (their agno 3 names: the rules rename the class first).
    migrate_data = ("the 1.x storage schema is gone: delete it; existing data needs agno's database migration "
                    "(see 'What needs a human' in docs/agno3.md)")
    for owner in ("SqliteDb", "PostgresDb", "MySQLDb", "SingleStoreDb"):
        rows += [
            _kw(owner, "table_name", "session_table", "v2-guide"),
            _kw(owner, "schema_version", None, "wheels", migrate_data),
            _kw(owner, "auto_upgrade_schema", None, "wheels", migrate_data),
        ]
    for owner in ("PostgresDb", "MySQLDb", "SingleStoreDb"):
        rows.append(_kw(owner, "schema", "db_schema", "wheels"))
    rows.append(_kw("JsonDb", "dir_path", "db_path", "wheels"))
    rows.append(_kw("InMemoryDb", "storage_dict", None, "wheels",
                    "agno 3's InMemoryDb takes no dict: delete storage_dict= and read sessions back through the db"))
    mode_manual = ("agno 3 keeps agent, team and workflow sessions in one db: delete mode=")
    for owner in ("SqliteDb", "PostgresDb", "MySQLDb", "SingleStoreDb", "JsonDb", "InMemoryDb"):
        rows.append(_kw(owner, "mode", None, "v2-guide", mode_manual,
                        {'"agent"', '"team"', '"workflow"', "'agent'", "'team'", "'workflow'"}))
    # Run methods.
    for owner in ("Agent.run", "Agent.arun", "Agent.print_response", "Agent.aprint_response",
                  "Team.run", "Team.arun", "Team.print_response", "Team.aprint_response"):
        rows.append(_kw(owner, "message", "input"))
    for owner in ("Agent.run", "Agent.arun", "Team.run", "Team.arun"):
        rows.append(_kw(owner, "stream_intermediate_steps", "stream_events"))
    for owner in ("Agent.print_response", "Agent.aprint_response", "Team.print_response", "Team.aprint_response"):
        rows.append(_kw(owner, "stream_intermediate_steps", None, "wheels",
                        "agno 3's print_response has no stream_intermediate_steps= (its **kwargs swallows it): "
                        "delete it; to see the intermediate events, iterate run(..., stream=True, "
                        "stream_events=True) yourself", {"False"}))
    for owner in ("Agent.run", "Agent.arun", "Agent.print_response", "Agent.aprint_response"):
        rows.append(_kw(owner, "messages", None, "v2-changelog",
                        "agno 3 takes a list of messages as input=: pass the list as input= (merged with message=, "
                        "if both were given)"))
    for owner in ("Agent.run", "Agent.arun", "Team.run", "Team.arun"):
        rows.append(_kw(owner, "retries", None, "wheels", _RETRIES))
    for owner in ("Agent.run", "Agent.arun"):
        rows.append(_kw(owner, "refresh_session_before_write", None, "wheels",
                        "agno 3 run methods take no refresh_session_before_write=: delete it (agno 3 writes each "
                        "run to db= as its own row)"))
    for owner in ("Agent.continue_run", "Agent.acontinue_run"):
        rows.append(_kw(owner, "stream_intermediate_steps", "stream_events"))
        rows.append(_kw(owner, "retries", None, "wheels", _RETRIES))
        rows.append(_kw(owner, "updated_tools", None, "v3-changelog",
                        "agno 3 silently ignores updated_tools=: pass requirements=run_output.requirements after "
                        "resolving each RunRequirement (confirm/reject or set its result)"))
    return tuple(rows)


KEYWORD_RENAMES: Tuple[KeywordRename, ...] = _build_keyword_renames()

# -- events --------------------------------------------------------------------


def _build_event_renames() -> Tuple[EventRename, ...]:
    rows = []
    for module, enum, old_module, prefix in (("agno.run.agent", "RunEvent", "agno.run.response", ""),
                                             ("agno.run.team", "TeamRunEvent", "agno.run.team", "Team")):
        rows += [
            EventRename(module, enum, "run_response_content", "run_content", f"{prefix}RunResponseContent",
                        f"{prefix}RunContent", old_module, enum, "v2-changelog"),
            EventRename(module, enum, "run_intermediate_response_content", "run_intermediate_content",
                        f"{prefix}RunIntermediateResponseContent", f"{prefix}RunIntermediateContent",
                        old_module, enum, "v2-changelog"),
        ]
    return tuple(rows)


EVENT_RENAMES: Tuple[EventRename, ...] = _build_event_renames()

#: agno 3 re-exports of the event enums (qualified name -> the enum's home), for AGM315.
EVENT_ENUM_EXPORTS: Dict[str, str] = {
    "agno.agent.RunEvent": "agno.run.agent.RunEvent",
    "agno.team.TeamRunEvent": "agno.run.team.TeamRunEvent",
}


def event_member_renames() -> Dict[str, Dict[str, str]]:
    """Qualified enum name (home or re-export, agno 3 spelling) -> {old member: new member}."""
    out: Dict[str, Dict[str, str]] = {}
    for row in EVENT_RENAMES:
        home = f"{row.module}.{row.enum}"
        for qualified in [home] + [alias for alias, target in EVENT_ENUM_EXPORTS.items() if target == home]:
            out.setdefault(qualified, {})[row.old_member] = row.new_member
    return out


# -- receivers -----------------------------------------------------------------

#: Qualified names (1.x and 3.x spellings) of the agno classes whose
#: constructor and method keywords the rules rename, by table owner.
RECEIVERS: Dict[str, Tuple[str, ...]] = {
    "Agent": ("agno.agent.Agent", "agno.agent.agent.Agent"),
    "Team": ("agno.team.Team", "agno.team.team.Team"),
    "Workflow": ("agno.workflow.Workflow", "agno.workflow.workflow.Workflow"),
    **{row.new_name: (f"{row.new_module}.{row.new_name}",)
       for row in IMPORT_RENAMES if row.old_module.startswith(OLD_STORAGE_MODULE + ".")},
}

#: The agno 3.1.10 API the manual steps above point users to, as ``module:Name``,
#: ``module:Name.attribute`` or ``module:Name(keyword=)``: tests/test_agno3_names.py resolves each one.
MANUAL_API: Tuple[str, ...] = (
    "agno.agent:Agent.set_session_name", "agno.agent:Agent.get_session_name",
    "agno.team:Team.set_session_name", "agno.workflow:Workflow.set_session_name",
    "agno.agent:Agent(reasoning_model=)", "agno.tools.reasoning:ReasoningTools(add_instructions=)",
    "agno.memory:MemoryManager", "agno.agent:Agent(memory_manager=)", "agno.agent:Agent(update_memory_on_run=)",
    "agno.knowledge.knowledge:Knowledge(vector_db=)", "agno.knowledge.knowledge:Knowledge(contents_db=)",
    "agno.knowledge.knowledge:Knowledge.insert", "agno.knowledge.knowledge:Knowledge.ainsert",
    "agno.media:Audio(content=)",
    "agno.db.migrations.v1_to_v2:migrate(v1_db_schema=)", "agno.db.migrations.v1_to_v2:migrate(memories_table_name=)",
    "agno.db.migrations.manager:MigrationManager.up",
    "agno.agent:Agent.continue_run(requirements=)", "agno.run.agent:RunOutput(requirements=)",
    "agno.team:Team(mode=)", "agno.team:Team(determine_input_for_members=)", "agno.team:Team(respond_directly=)",
    "agno.team:Team(enable_agentic_state=)", "agno.team:Team(add_team_history_to_members=)",
    "agno.team:Team(num_team_history_runs=)", "agno.team:Team(read_chat_history=)", "agno.team:Team(session_state=)",
    "agno.team:Team(num_history_runs=)", "agno.agent:Agent(resolve_in_context=)", "agno.agent:Agent(retries=)",
    "agno.run.agent:RunOutput(reasoning_content=)", "agno.run.agent:RunOutput(metadata=)",
    "agno.run.agent:RunOutput(references=)", "agno.run.agent:RunOutput(tools=)",
    "agno.run.agent:RunOutput(reasoning_steps=)", "agno.run.agent:RunOutput(reasoning_messages=)",
    "agno.run.agent:RunOutput(additional_input=)",
    "agno.agent:Agent(description=)", "agno.agent:Agent(instructions=)",
)


# -- lookups -------------------------------------------------------------------

_BY_OLD: Dict[Tuple[str, str], NameRename] = {(r.old_module, r.old_name): r for r in IMPORT_RENAMES}
_REMOVED: Dict[Tuple[str, str], RemovedName] = {(r.module, r.name): r for r in REMOVED_NAMES}
_QUALIFIED: Dict[str, str] = {name: owner for owner, names in RECEIVERS.items() for name in names}


def import_rename(module: str, name: str) -> Optional[NameRename]:
    """The row renaming ``from module import name``, if any."""
    return _BY_OLD.get((module, name))


def removed_name(module: str, name: str) -> Optional[RemovedName]:
    return _REMOVED.get((module, name))


def keyword_renames(owner: str) -> Dict[str, KeywordRename]:
    """``owner``'s rows (``Agent``, ``SqliteDb``, ``Agent.run``...) by old keyword."""
    return {row.old: row for row in KEYWORD_RENAMES if row.owner == owner}


def event_value_renames() -> Dict[str, str]:
    """Old event string value -> new one."""
    return {row.old_value: row.new_value for row in EVENT_RENAMES}


def receiver_kind(qualified_names: Iterable[str]) -> Optional[str]:
    """The table owner (``Agent``, ``SqliteDb``...) one of ``qualified_names`` names, if any."""
    kinds = {_QUALIFIED[name] for name in qualified_names if name in _QUALIFIED}
    return kinds.pop() if len(kinds) == 1 else None


# -- markdown ------------------------------------------------------------------

MARKDOWN_BEGIN = "<!-- BEGIN GENERATED: python -m codemods.agno3_names --markdown -->"
MARKDOWN_END = "<!-- END GENERATED -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """The rename tables as Markdown (the generated part of docs/agno3.md)."""
    out: List[str] = [MARKDOWN_BEGIN, ""]
    out += ["### Imports and classes (AGM310)", "",
            "| agno 1.8.4 | agno 3.1.10 | source |", "|---|---|---|"]
    for row in IMPORT_RENAMES:
        out.append(f"| `from {row.old_module} import {row.old_name}` | `from {row.new_module} import {row.new_name}` "
                   f"| {row.source} |")
    for removed in REMOVED_NAMES:
        out.append(f"| `from {removed.module} import {removed.name}` | none, reported: {_cell(removed.manual)} "
                   f"| {removed.source} |")
    out += ["", "### Positional arguments (AGM311)", "",
            "| class | agno 1.8.4 positional parameters | agno 3.1.10 positional parameters | source |",
            "|---|---|---|---|"]
    for owner, old_order in POSITIONAL_1X.items():
        out.append(f"| `{owner}` | `{', '.join(old_order)}`, ... | `{', '.join(POSITIONAL_3X[owner])}` | wheels |")
    out += ["", "### Modules agno 3 no longer has (AGM330, reported)", "",
            "| agno 1.8.4 module | what to do | source |", "|---|---|---|"]
    for note in MODULE_NOTES:
        out.append(f"| `{note.module}` | {_cell(note.manual)} | {note.source} |")
    out += ["", "### Constructor fields agno 3 dropped (AGM310 leaves such a call alone)", "",
            "| field | of | what to do |", "|---|---|---|"]
    for field, note in FIELD_NOTES.items():
        owners = sorted({key.rsplit(".", 1)[1] for key, fields in REMOVED_FIELDS.items() if field in fields})
        out.append(f"| `{field}=` | {', '.join(f'`{o}`' for o in owners)} | {_cell(note)} |")
    out += ["", "### Keyword arguments (AGM312 constructors, AGM313 run methods; removed ones: AGM320)", "",
            "| on | agno 1.8.4 | agno 3.1.10 | source |", "|---|---|---|---|"]
    for kw in KEYWORD_RENAMES:
        if kw.new is not None:
            new = f"`{kw.new}=`"
        else:
            keep = f" (deleted when it is `{'`, `'.join(sorted(kw.deletable))}`)" if kw.deletable else ""
            new = f"none{keep}; reported: {_cell(kw.manual)}"
        out.append(f"| `{kw.owner}` | `{kw.old}=` | {new} | {kw.source} |")
    out += ["", "### Event values (AGM315)", "",
            "| enum | agno 1.8.4 | agno 3.1.10 | source |", "|---|---|---|---|"]
    for ev in EVENT_RENAMES:
        out.append(f"| `{ev.enum}` | `{ev.old_member}` = `\"{ev.old_value}\"` | `{ev.new_member}` = "
                   f"`\"{ev.new_value}\"` | {ev.source} |")
    out += ["", "Sources:", ""]
    out += [f"* {key}: {text}" for key, text in SOURCES.items()]
    out += ["", MARKDOWN_END]
    return "\n".join(out) + "\n"


def with_tables(page: str) -> str:
    """``page`` with the text between :data:`MARKDOWN_BEGIN` and :data:`MARKDOWN_END` replaced by :func:`markdown`."""
    start, end = page.find(MARKDOWN_BEGIN), page.find(MARKDOWN_END)
    if start < 0 or end < start:
        raise ValueError(f"the page has no {MARKDOWN_BEGIN!r} ... {MARKDOWN_END!r} block")
    return page[:start] + markdown() + page[end + len(MARKDOWN_END) + 1:]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codemods.agno3_names",
                                     description="Print the agno 1.x -> 3 rename tables.")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown (docs/agno3.md)")
    parser.add_argument("--write", metavar="PAGE", help="replace the generated block of PAGE (docs/agno3.md)")
    parser.add_argument("--check", metavar="PAGE", help="exit 1 if PAGE's generated block is out of date")
    args = parser.parse_args(argv)
    if args.write or args.check:
        path = args.write or args.check
        with open(path, encoding="utf-8") as handle:
            page = handle.read()
        updated = with_tables(page)
        if args.check:
            if updated != page:
                print(f"{path} is out of date: run python -m codemods.agno3_names --write {path}", file=sys.stderr)
                return 1
            return 0
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(updated)
        return 0
    if args.markdown:
        sys.stdout.write(markdown())
        return 0
    for row in IMPORT_RENAMES:
        print(f"{row.old_module}.{row.old_name} -> {row.new_module}.{row.new_name}")
    for kw in KEYWORD_RENAMES:
        print(f"{kw.owner}({kw.old}=) -> {kw.new or '(removed)'}")
    for ev in EVENT_RENAMES:
        print(f"{ev.enum}.{ev.old_member} ({ev.old_value}) -> {ev.new_member} ({ev.new_value})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
