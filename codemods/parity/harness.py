"""A generic parity harness: does a migrated workflow behave like the original?

Run the *reference* workflow (usually the legacy code, through agno's real
``Workflow.run`` wrapper) and the *candidate* (the migrated code, through its
``run`` and ``arun``) on the same scenarios, reduce what each run produced to
an :class:`Observation`, and compare the observations field by field.

An observation captures everything a caller of the workflow can see, minus
what legitimately differs from run to run (uuids, timestamps, run ids):

* ``responses``: every yielded (or returned) item, normalized by
  :func:`normalize` to its type name and its content fields (``content``,
  ``content_type``, ``thinking``, ``reasoning_content``, ``citations``);
* ``run_id_on_every_item``: whether agno's wrapper stamped each item with the
  workflow's ``run_id`` (False means the method was not wrapped by agno);
* ``final_content``: the ``run_response.content`` agno accumulated;
* ``memory_runs``: how many runs agno added to the workflow's memory;
* ``session_state``: the workflow's ``session_state`` after the run;
* ``error``: ``"ExceptionType: message"`` if the run raised, else None.

Example, for a workflow ``legacy.MyFlow`` migrated to ``migrated.MyFlow``::

    from codemods.parity.fake_model import ScriptedModel
    from codemods.parity.harness import Scenario, check_parity

    import legacy, migrated

    SCENARIOS = [
        Scenario("greeting", {"message": "hello"}),
        Scenario("failing model", {"message": "hello"}, setup={"fail": True}),
    ]

    def factory(cls):
        def make(scenario: Scenario):
            fail = scenario.setup.get("fail", False)
            model = ScriptedModel(fail_on=(lambda prompt: True) if fail else None)
            return cls(model=model)  # a fresh workflow for every run
        return make

    def test_parity() -> None:
        check_parity(factory(legacy.MyFlow), factory(migrated.MyFlow), SCENARIOS)

:func:`check_parity` runs, for every scenario, the reference ``run`` (from
sync code, since legacy ``run`` methods often call :func:`asyncio.run`) and
compares it with the candidate's ``run`` and ``arun`` (each mode only if the
candidate class defines it; ``arun`` runs on a fresh event loop through
:func:`asyncio.run`, so call :func:`check_parity` from sync code, not from
inside a running event loop).  Every mismatch of every scenario and mode is
collected and reported in one :class:`AssertionError` with a readable diff.

One difference is accepted by design: when both runs fail with the same
error, a streaming candidate may have yielded more items before it than a
reference that collected everything first (the reference's items must be the
candidate's first ones); ``streamed_before_error=False`` makes that a
mismatch too.

By default ``RunResponseContentEvent`` and ``RunResponse`` items compare as
the same type (see :data:`EQUIVALENT_TYPES`): agno-migrate's AGM001 rewrites
the former into the latter, both carry the same content fields and agno's
wrapper treats them alike.  Pass ``type_aliases={}`` for a strict comparison.

Sessions: :func:`check_session_parity` runs a :class:`SessionScenario` (a
conversation, several turns) one turn per fresh workflow object sharing a
``session_id`` and a storage (e.g. ``SqliteStorage(..., mode="workflow")``)
and compares, turn by turn, the ``session_state`` and memory each fresh
object reloads, its run, and what the storage holds afterwards
(:class:`TurnObservation`); see the end of this module.
"""

from __future__ import annotations

import asyncio
import difflib
import inspect
import pprint
from dataclasses import asdict, dataclass, field
import collections.abc
from typing import Any, AsyncIterator, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

__all__ = [
    "CONTENT_FIELDS",
    "EQUIVALENT_TYPES",
    "MODES",
    "Observation",
    "ParityError",
    "ParityResult",
    "Scenario",
    "WorkflowFactory",
    "SessionObservation",
    "SessionParityResult",
    "SessionScenario",
    "TurnObservation",
    "assert_parity",
    "available_modes",
    "check_parity",
    "check_session_parity",
    "collect_arun",
    "collect_run",
    "collect_session",
    "diff_observations",
    "diff_sessions",
    "normalize",
]

#: The fields of a response item that :func:`normalize` keeps.
CONTENT_FIELDS: Tuple[str, ...] = ("content", "content_type", "thinking", "reasoning_content", "citations")

#: Item type names that compare equal by default (name -> canonical name).
EQUIVALENT_TYPES: Mapping[str, str] = {"RunResponseContentEvent": "RunResponse"}

#: The run modes :func:`check_parity` knows.
MODES: Tuple[str, ...] = ("run", "arun")


@dataclass(frozen=True)
class Scenario:
    """One input to run on both workflows.

    ``kwargs`` are passed to ``run``/``arun``; ``setup`` is free-form data the
    workflow factories read to build the workflow (model script, tool
    failures, latencies...).
    """

    name: str
    kwargs: Dict[str, Any] = field(default_factory=dict)
    setup: Dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.name


@dataclass
class Observation:
    """What one run of a workflow showed its caller; see the module docstring."""

    responses: List[Dict[str, Any]] = field(default_factory=list)
    run_id_on_every_item: bool = True
    final_content: Any = None
    memory_runs: int = 0
    session_state: Dict[str, Any] = field(default_factory=dict)
    error: Optional[str] = None

    @property
    def contents(self) -> List[Any]:
        """The ``content`` of every response, in order."""
        return [response.get("content") for response in self.responses]

    @property
    def text(self) -> str:
        """The string contents concatenated (what a UI would have printed)."""
        return "".join(content for content in self.contents if isinstance(content, str))


WorkflowFactory = Callable[[Scenario], Any]


class ParityError(AssertionError):
    """Raised by :func:`check_parity` when a candidate diverges from the reference."""

    def __init__(self, message: str, results: Sequence[Union["ParityResult", "SessionParityResult"]]) -> None:
        super().__init__(message)
        self.results = list(results)


@dataclass
class ParityResult:
    """The outcome of comparing one candidate mode with the reference on one scenario."""

    scenario: str
    mode: str
    reference: Observation
    candidate: Observation
    diff: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.diff is None


# -- normalisation ------------------------------------------------------------------


def plain_data(value: Any, jsonable: bool = False) -> Any:
    """Turn pydantic models / dataclasses into plain, comparable data.

    With ``jsonable``, also what JSON can carry: sets become sorted lists and
    any other object its ``repr`` (the cross-version worker's report).
    """
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return plain_data(dump(), jsonable)
    if hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        return plain_data(asdict(value), jsonable)
    if isinstance(value, Mapping):
        return {str(key): plain_data(item, jsonable) for key, item in value.items()}
    if jsonable and isinstance(value, (set, frozenset)):
        return sorted((plain_data(item, jsonable) for item in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [plain_data(item, jsonable) for item in value]
    if jsonable and not (value is None or isinstance(value, (str, int, float, bool))):
        return repr(value)
    return value


_plain = plain_data


def normalize(items: Iterable[Any]) -> List[Dict[str, Any]]:
    """Reduce response items to ``{"type": <class name>, <CONTENT_FIELDS>...}`` dicts.

    Identifiers and timestamps (``run_id``, ``session_id``, ``created_at``...)
    are dropped so two runs of equivalent code compare equal; a missing field
    reads as None.  Items that are not response objects keep only their type
    and, for strings, the string as ``content``.
    """
    normalized: List[Dict[str, Any]] = []
    for item in items:
        entry: Dict[str, Any] = {"type": type(item).__name__}
        if isinstance(item, str):
            entry.update({name: None for name in CONTENT_FIELDS})
            entry["content"] = item
        else:
            for name in CONTENT_FIELDS:
                entry[name] = _plain(getattr(item, name, None))
        normalized.append(entry)
    return normalized


# -- collecting observations ------------------------------------------------------------


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _memory_runs(workflow: Any) -> int:
    """Runs stored in the workflow's memory for its session.

    agno 1.8's ``Memory`` (v2) keeps ``runs`` as ``{session_id: [RunResponse]}``;
    the older ``WorkflowMemory`` keeps a flat ``runs`` list.
    """
    memory = getattr(workflow, "memory", None)
    runs = getattr(memory, "runs", None)
    if not runs:
        return 0
    if isinstance(runs, Mapping):
        session_runs = runs.get(getattr(workflow, "session_id", None))
        return len(session_runs) if session_runs else 0
    return len(runs)


def _observe(workflow: Any, items: List[Any], error: Optional[BaseException]) -> Observation:
    run_id = getattr(workflow, "run_id", None)
    run_response = getattr(workflow, "run_response", None)
    state = getattr(workflow, "session_state", None)
    return Observation(
        responses=normalize(items),
        run_id_on_every_item=run_id is not None and all(getattr(item, "run_id", None) == run_id for item in items),
        final_content=_plain(getattr(run_response, "content", None)),
        memory_runs=_memory_runs(workflow),
        session_state=_plain(dict(state)) if isinstance(state, Mapping) else {},
        error=None if error is None else _error_text(error),
    )


def collect_run(workflow: Any, **kwargs: Any) -> Observation:
    """Call ``workflow.run(**kwargs)`` from sync code and observe the run.

    Handles ``run`` returning an iterator of responses (every item is
    consumed) or a single response.  An exception, raised by the call or
    while iterating, is recorded in ``error`` with the items yielded before it.
    """
    items: List[Any] = []
    error: Optional[BaseException] = None
    try:
        result = workflow.run(**kwargs)
        if inspect.isawaitable(result) or hasattr(result, "__aiter__"):
            _discard(result)
            raise TypeError("workflow.run() returned an async object; observe it with collect_arun()")
        if isinstance(result, collections.abc.Iterator):
            for item in result:
                items.append(item)
        elif result is not None:
            items.append(result)
    except Exception as exc:  # noqa: BLE001 - the error is part of the observation
        error = exc
    return _observe(workflow, items, error)


async def collect_arun(workflow: Any, **kwargs: Any) -> Observation:
    """Call ``workflow.arun(**kwargs)`` and observe the run.

    Handles ``arun`` returning an async iterator of responses (agno wraps an
    async-generator ``arun`` this way; it is iterated, not awaited) or a
    coroutine resolving to a single response.  Exceptions are recorded in
    ``error`` as in :func:`collect_run`.
    """
    items: List[Any] = []
    error: Optional[BaseException] = None
    try:
        result = workflow.arun(**kwargs)
        if hasattr(result, "__aiter__"):
            iterator: AsyncIterator[Any] = result
            async for item in iterator:
                items.append(item)
        else:
            if inspect.isawaitable(result):
                result = await result
            if result is not None:
                items.append(result)
    except Exception as exc:  # noqa: BLE001 - the error is part of the observation
        error = exc
    return _observe(workflow, items, error)


def _discard(result: Any) -> None:
    """Close an un-awaited coroutine / async generator so it does not warn."""
    close = getattr(result, "close", None)
    if inspect.iscoroutine(result) and callable(close):
        close()


# -- comparing --------------------------------------------------------------------


def _canonical(observation: Observation, type_aliases: Mapping[str, str]) -> Dict[str, Any]:
    data = asdict(observation)
    data["responses"] = [
        {**response, "type": type_aliases.get(response["type"], response["type"])}
        for response in observation.responses
    ]
    return data


def _lines(value: Any) -> List[str]:
    return pprint.pformat(value, width=100, sort_dicts=True).splitlines()


def _streamed_further(ref: Dict[str, Any], cand: Dict[str, Any]) -> bool:
    """Same error on both sides, and the reference's items are a proper prefix of the candidate's."""
    if ref["error"] is None or ref["error"] != cand["error"]:
        return False
    count = len(ref["responses"])
    return len(cand["responses"]) > count and cand["responses"][:count] == ref["responses"]


def diff_observations(
    reference: Observation,
    candidate: Observation,
    type_aliases: Mapping[str, str] = EQUIVALENT_TYPES,
    streamed_before_error: bool = True,
) -> Optional[str]:
    """A readable description of how ``candidate`` differs, or None if it does not.

    ``streamed_before_error`` (default True) accepts the one difference that
    streaming makes by design: when both runs raised the same error, the
    candidate may have yielded MORE items before it than the reference (which
    collected everything before yielding, so an error mid-stream reached the
    caller with nothing); the reference's items must then be exactly the first
    items of the candidate's, and ``final_content`` (agno's accumulation of
    the yielded items) may differ by those extra items.  Fewer items, other
    items, a different error or an error on one side only still differ.
    """
    ref = _canonical(reference, type_aliases)
    cand = _canonical(candidate, type_aliases)
    if streamed_before_error and _streamed_further(ref, cand):
        cand = {**cand, "responses": ref["responses"], "final_content": ref["final_content"]}
    if ref == cand:
        return None
    parts: List[str] = []
    for name in ref:
        if ref[name] == cand[name]:
            continue
        if name == "responses":
            parts.append(
                f"responses differ (reference: {len(ref[name])} items, candidate: {len(cand[name])} items):"
            )
            ref_lines = [pprint.pformat(item, width=1000, sort_dicts=True) for item in ref[name]]
            cand_lines = [pprint.pformat(item, width=1000, sort_dicts=True) for item in cand[name]]
            diff = difflib.unified_diff(ref_lines, cand_lines, "reference", "candidate", lineterm="", n=2)
            parts.extend("  " + line for line in diff)
        else:
            parts.append(f"{name} differs:")
            ref_value, cand_value = _lines(ref[name]), _lines(cand[name])
            if len(ref_value) == 1 and len(cand_value) == 1:
                parts.append(f"  reference: {ref_value[0]}")
                parts.append(f"  candidate: {cand_value[0]}")
            else:
                diff = difflib.unified_diff(ref_value, cand_value, "reference", "candidate", lineterm="", n=2)
                parts.extend("  " + line for line in diff)
    return "\n".join(parts)


def assert_parity(
    reference: Observation,
    candidate: Observation,
    type_aliases: Mapping[str, str] = EQUIVALENT_TYPES,
    streamed_before_error: bool = True,
) -> None:
    """Raise :class:`AssertionError` with a field-by-field diff unless the observations match."""
    diff = diff_observations(reference, candidate, type_aliases, streamed_before_error)
    if diff is not None:
        raise AssertionError("candidate diverges from reference:\n" + diff)


def available_modes(workflow: Any) -> Tuple[str, ...]:
    """The modes of :data:`MODES` the workflow's class actually implements.

    For an agno ``Workflow`` subclass a mode counts only if the subclass
    overrides it (the base methods just log "not implemented").
    """
    cls = type(workflow)
    modes: List[str] = []
    for mode in MODES:
        method = getattr(cls, mode, None)
        if not callable(method):
            continue
        defined_on = next((klass for klass in cls.__mro__ if mode in vars(klass)), None)
        if defined_on is not None and defined_on.__module__.startswith("agno."):
            continue
        modes.append(mode)
    return tuple(modes)


def check_parity(
    make_reference: WorkflowFactory,
    make_candidate: WorkflowFactory,
    scenarios: Iterable[Scenario],
    modes: Sequence[str] = MODES,
    type_aliases: Mapping[str, str] = EQUIVALENT_TYPES,
    streamed_before_error: bool = True,
) -> List[ParityResult]:
    """Compare reference ``run`` with candidate ``run``/``arun`` on every scenario.

    ``streamed_before_error``: see :func:`diff_observations` (pass False to
    require the same items even when a run fails mid-stream).

    A fresh workflow is built by the factory for every single run.  Modes the
    candidate does not implement are skipped (a candidate implementing none
    of ``modes`` is an error, never a silent pass).  Returns one
    :class:`ParityResult` per (scenario, mode); raises :class:`ParityError`
    listing every mismatch if any.  Must be called from sync code.
    """
    unknown = [mode for mode in modes if mode not in MODES]
    if unknown:
        raise ValueError(f"unknown modes {unknown}; known: {MODES}")
    scenario_list = list(scenarios)
    if not scenario_list:
        raise ValueError("check_parity() needs at least one scenario")

    results: List[ParityResult] = []
    for scenario in scenario_list:
        reference = collect_run(make_reference(scenario), **scenario.kwargs)
        probe = make_candidate(scenario)
        chosen = [mode for mode in modes if mode in available_modes(probe)]
        if not chosen:
            raise ValueError(
                f"candidate {type(probe).__name__} implements none of the modes {tuple(modes)} (scenario {scenario})"
            )
        for index, mode in enumerate(chosen):
            workflow = probe if index == 0 else make_candidate(scenario)
            if mode == "run":
                candidate = collect_run(workflow, **scenario.kwargs)
            else:
                candidate = asyncio.run(collect_arun(workflow, **scenario.kwargs))
            diff = diff_observations(reference, candidate, type_aliases, streamed_before_error)
            results.append(ParityResult(scenario.name, mode, reference, candidate, diff))

    failures = [result for result in results if not result.ok]
    if failures:
        report = "\n\n".join(f"[{result.scenario} / {result.mode}]\n{result.diff}" for result in failures)
        raise ParityError(f"{len(failures)} of {len(results)} parity checks failed:\n\n{report}", results)
    return results


# -- sessions persisted in storage ------------------------------------------------------
#
# agno 1.8.4 facts this relies on (checked on the real classes, see
# tests/test_session_reload.py): the wrapped ``run``/``arun`` read the session
# from ``workflow.storage`` (by ``session_id``) when a run starts, restoring
# ``session_state`` (merged under the state already set on the object) and the
# runs of ``memory``; they write it back only when the run ends without an
# error.  ``Workflow.load_session()`` reads it without running, but does not
# switch the storage to workflow mode first: storage built in agno's default
# "agent" mode makes it fail, so the storage must be built with
# ``mode="workflow"``.


@dataclass(frozen=True)
class SessionScenario(Scenario):
    """A conversation: one run per turn, each on a FRESH workflow object of the same session.

    ``turns`` holds the ``run``/``arun`` kwargs of each turn (at least two);
    ``session_state`` is set on the first turn's workflow before its run (what
    a UI would put there); ``kwargs`` is not used.
    """

    turns: Tuple[Dict[str, Any], ...] = ()
    session_state: Dict[str, Any] = field(default_factory=dict)


@dataclass
class TurnObservation:
    """One turn of a session, on its own fresh workflow object.

    ``loaded_state`` / ``loaded_runs``: the workflow's ``session_state`` and
    the contents of its memory's runs right after ``load_session()``, before
    the run (what a page reloaded from storage would show); ``run``: the run,
    as :func:`collect_run`/:func:`collect_arun` observe it (its
    ``memory_runs`` counts the earlier turns' runs too when the session was
    continued); ``stored_state`` / ``stored_runs``: what the storage holds for
    the session after the run (the contents of every stored run, in order).
    """

    loaded_state: Dict[str, Any] = field(default_factory=dict)
    loaded_runs: List[Any] = field(default_factory=list)
    run: Observation = field(default_factory=Observation)
    stored_state: Dict[str, Any] = field(default_factory=dict)
    stored_runs: List[Any] = field(default_factory=list)


@dataclass
class SessionObservation:
    """Every turn of one session."""

    turns: List[TurnObservation] = field(default_factory=list)


@dataclass
class SessionParityResult:
    """The outcome of comparing one candidate mode's session with the reference's."""

    scenario: str
    mode: str
    reference: SessionObservation
    candidate: SessionObservation
    diff: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.diff is None


StorageFactory = Callable[[str], Any]


def _run_contents(runs: Any) -> List[Any]:
    """The ``content`` of each run: RunResponse objects, WorkflowRun objects or stored dicts."""
    contents: List[Any] = []
    for run in runs or []:
        response = getattr(run, "response", None)
        if response is not None:
            run = response
        if isinstance(run, Mapping):
            inner = run.get("response")
            contents.append(_plain((inner if isinstance(inner, Mapping) else run).get("content")))
        else:
            contents.append(_plain(getattr(run, "content", None)))
    return contents


def _memory_run_contents(workflow: Any) -> List[Any]:
    runs = getattr(getattr(workflow, "memory", None), "runs", None)
    if isinstance(runs, Mapping):
        runs = runs.get(getattr(workflow, "session_id", None))
    return _run_contents(runs)


def _stored(storage: Any, session_id: str) -> Tuple[Dict[str, Any], List[Any], bool]:
    """(session_state, run contents, whether a session exists) as stored for ``session_id``."""
    session = storage.read(session_id=session_id)
    if session is None:
        return {}, [], False
    data = getattr(session, "session_data", None) or {}
    state = data.get("session_state") if isinstance(data, Mapping) else None
    memory = getattr(session, "memory", None) or {}
    runs = memory.get("runs") if isinstance(memory, Mapping) else None
    return (_plain(dict(state)) if isinstance(state, Mapping) else {}), _run_contents(runs), True


def collect_session(
    make_workflow: WorkflowFactory,
    scenario: SessionScenario,
    mode: str,
    make_storage: StorageFactory,
    key: str,
    session_id: Optional[str] = None,
    load_session: bool = True,
) -> SessionObservation:
    """Run the turns of ``scenario`` through ``mode``, each on a fresh workflow and storage object.

    ``make_storage(key)`` is called once per turn and must return a storage
    object in ``mode="workflow"`` that sees what earlier calls with the same
    ``key`` stored (e.g. ``SqliteStorage(table_name="sessions",
    db_file=f"{tmp}/{key}.db", mode="workflow")``), so every turn reads the
    session back through a new connection, as after a restart; it must hold
    no session ``session_id`` (default ``"parity-<scenario>"``) at the start.
    The harness sets ``storage`` and ``session_id`` on every workflow the
    factory builds.  ``load_session=False`` skips the explicit
    ``load_session()`` (the run still reads the session when it starts).
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; known: {MODES}")
    if len(scenario.turns) < 2:
        raise ValueError(f"session scenario {scenario} needs at least two turns")
    session_id = session_id or f"parity-{scenario.name}"
    observation = SessionObservation()
    for index, kwargs in enumerate(scenario.turns):
        storage = make_storage(key)
        if getattr(storage, "mode", "workflow") != "workflow":
            raise ValueError(
                f"make_storage({key!r}) returned storage in mode {storage.mode!r}: build it with mode='workflow' "
                "(agno's Workflow.load_session() reads agent-mode storage as agent sessions and fails)"
            )
        if index == 0 and _stored(storage, session_id)[2]:
            raise ValueError(f"make_storage({key!r}) already holds session {session_id!r}: give every run a fresh key")
        workflow = make_workflow(scenario)
        workflow.storage = storage
        workflow.session_id = session_id
        if index == 0 and scenario.session_state:
            workflow.session_state.update(scenario.session_state)
        turn = TurnObservation()
        if load_session and index > 0:
            workflow.load_session()
            state = getattr(workflow, "session_state", None)
            turn.loaded_state = _plain(dict(state)) if isinstance(state, Mapping) else {}
            turn.loaded_runs = _memory_run_contents(workflow)
        if mode == "run":
            turn.run = collect_run(workflow, **kwargs)
        else:
            turn.run = asyncio.run(collect_arun(workflow, **kwargs))
        turn.stored_state, turn.stored_runs, _ = _stored(make_storage(key), session_id)
        observation.turns.append(turn)
    return observation


def diff_sessions(
    reference: SessionObservation,
    candidate: SessionObservation,
    type_aliases: Mapping[str, str] = EQUIVALENT_TYPES,
    streamed_before_error: bool = True,
) -> Optional[str]:
    """How ``candidate``'s turns differ from ``reference``'s, or None.

    Each turn's run is compared by :func:`diff_observations`; the loaded and
    stored state and runs must be equal.
    """
    parts: List[str] = []
    if len(reference.turns) != len(candidate.turns):
        parts.append(f"turns differ: reference {len(reference.turns)}, candidate {len(candidate.turns)}")
    for number, (ref, cand) in enumerate(zip(reference.turns, candidate.turns), start=1):
        turn_parts: List[str] = []
        for name in ("loaded_state", "loaded_runs", "stored_state", "stored_runs"):
            ref_value, cand_value = getattr(ref, name), getattr(cand, name)
            if ref_value != cand_value:
                turn_parts.append(f"{name} differs:")
                diff = difflib.unified_diff(
                    _lines(ref_value), _lines(cand_value), "reference", "candidate", lineterm="", n=2
                )
                turn_parts.extend("  " + line for line in diff)
        run_diff = diff_observations(ref.run, cand.run, type_aliases, streamed_before_error)
        if run_diff is not None:
            turn_parts.append("run: " + run_diff)
        if turn_parts:
            parts.append(f"turn {number}:")
            parts.extend("  " + line for part in turn_parts for line in part.splitlines())
    return "\n".join(parts) if parts else None


def check_session_parity(
    make_reference: WorkflowFactory,
    make_candidate: WorkflowFactory,
    scenarios: Iterable[SessionScenario],
    make_storage: StorageFactory,
    modes: Sequence[str] = MODES,
    type_aliases: Mapping[str, str] = EQUIVALENT_TYPES,
    streamed_before_error: bool = True,
    load_session: bool = True,
) -> List[SessionParityResult]:
    """:func:`check_parity` for sessions persisted in storage and reloaded by fresh workflow objects.

    For every scenario, the reference's turns run through its ``run``, the
    candidate's through each of its ``modes`` it implements, each side and
    mode in its own storage (``make_storage`` gets the key
    ``"<scenario>-reference-run"`` or ``"<scenario>-candidate-<mode>"``; see
    :func:`collect_session`).  Raises :class:`ParityError` listing every
    mismatch; returns one :class:`SessionParityResult` per (scenario, mode).
    Must be called from sync code.
    """
    unknown = [mode for mode in modes if mode not in MODES]
    if unknown:
        raise ValueError(f"unknown modes {unknown}; known: {MODES}")
    scenario_list = list(scenarios)
    if not scenario_list:
        raise ValueError("check_session_parity() needs at least one scenario")
    results: List[SessionParityResult] = []
    for scenario in scenario_list:
        chosen = [mode for mode in modes if mode in available_modes(make_candidate(scenario))]
        if not chosen:
            raise ValueError(f"candidate implements none of the modes {tuple(modes)} (scenario {scenario})")
        reference = collect_session(
            make_reference, scenario, "run", make_storage, f"{scenario.name}-reference-run", load_session=load_session
        )
        for mode in chosen:
            candidate = collect_session(
                make_candidate, scenario, mode, make_storage, f"{scenario.name}-candidate-{mode}",
                load_session=load_session,
            )
            diff = diff_sessions(reference, candidate, type_aliases, streamed_before_error)
            results.append(SessionParityResult(scenario.name, mode, reference, candidate, diff))
    failures = [result for result in results if not result.ok]
    if failures:
        report = "\n\n".join(f"[{result.scenario} / {result.mode}]\n{result.diff}" for result in failures)
        raise ParityError(f"{len(failures)} of {len(results)} session parity checks failed:\n\n{report}", results)
    return results
