"""Cross-version parity: does a workflow moved to agno 3 behave like its agno 1.x original?

Each side runs in its own interpreter (its own virtual environment: agno 1.8.4
for the reference, agno 3.1.10 for the candidate), in ONE subprocess per side
that runs every scenario, so the two agno versions never meet in a process.
The parent (any environment; it imports no agno) compares what the two sides
reported.

A side is an interpreter plus a *factory*, ``"module:function"`` importable
there, called as ``function(scenario, db_file=..., session_id=...)`` and
returning a fresh workflow set up for ``scenario``
(:class:`codemods.parity.harness.Scenario`; its ``kwargs`` and ``setup`` travel
as JSON, so sets and tuples arrive as lists) that stores its session in the
SQLite file ``db_file`` under ``session_id`` (agno 1: ``storage=SqliteStorage(
db_file=db_file, ...)``; agno 3: ``db=SqliteDb(db_file=db_file)``).  Every
scenario and mode gets a fresh database file, never shared between the sides.

What is observed of one run (:class:`RunObservation`):

* ``events``: the run's stream, normalised to ``("content", text)`` for every
  content item and ``("started"|"completed"|"error"|"cancelled",)`` for the
  whitelisted lifecycle events.  agno 3: ``WorkflowStarted`` /
  ``WorkflowCompleted`` / ``WorkflowError`` / ``WorkflowCancelled`` events and
  the ``RunContent`` / ``TeamRunContent`` events (step, agent and executor
  events in between are dropped: agno 3 adds them by design).  agno 1 has no
  lifecycle events for a workflow's own ``run()``: the call is ``started``,
  running out is ``completed`` and an exception ``error``; every yielded item
  with string content is a content event.  So an agno 3 workflow that bypasses
  agno's engine (a 1.x-style ``run()`` override: no ``WorkflowStarted``) or
  that swallows an error (a step skipped on error: ``completed`` instead of
  ``error``) does not match;
* ``error``: ``{"type": ..., "message": ...}`` of the exception the caller saw.
  The type is the class name (module paths differ between the trees); an
  exception with an ``error_type`` attribute (the ``AgentRunError`` agno-migrate
  generates to re-raise an agent error agno 3 only reported) stands for that
  type, and for an unknown type (None: agno 3 keeps none for a non-streamed
  agent run) only the message is compared;
* ``session_state``: read back from the side's own database in a FRESH
  workflow object from the factory (agno 1: ``load_session()``; agno 3:
  ``Workflow.get_session_state(session_id)``, on the object or its
  ``.workflow`` attribute);
* ``stored``: whether that database holds the session; compared when neither
  run failed (agno 1 stores nothing for a failed run, agno 3 stores it as
  failed).

How a side is run: agno 1 calls ``run(**kwargs)`` (mode ``run``) or iterates
``arun(**kwargs)`` (mode ``arun``); agno 3 calls ``run_events(**kwargs)`` /
``arun_events(**kwargs)`` when the object has them (the agno 3 event stream
of the wrapper classes agno-migrate generates, whose ``run``/``arun`` yield
only the content events), else ``run``/``arun``; ``candidate_plain=True``
calls ``run``/``arun`` anyway and compares without lifecycle events (what the
workflow's callers see).  ``repeat=N`` runs every
scenario N times, each in a fresh object over the same database and session,
so state carried from one run to the next is compared too.

One difference is accepted by default, as in :mod:`codemods.parity.harness`:
when both runs fail with the same error, the candidate may have streamed
more content before it than a reference that collected everything first
(the reference's events must be a prefix of the candidate's).

Python API::

    from codemods.parity.cross_version import Side, check_cross_version
    check_cross_version(
        Side(".venv/bin/python", "myproject.parity:make_v1"),
        Side(".venv-agno3/bin/python", "myproject.parity:make_v3"),
        SCENARIOS, candidate_modes=("run", "arun"), repeat=2,
    )

Command line (exit 1 listing every mismatch)::

    python -m codemods.parity.cross_version \\
        --reference .venv/bin/python=myproject.parity:make_v1 \\
        --candidate .venv-agno3/bin/python=myproject.parity:make_v3 \\
        --scenarios myproject.parity:SCENARIOS [--modes run,arun] [--repeat 2]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from codemods.parity.harness import Scenario, plain_data

__all__ = [
    "CrossVersionParityError",
    "CrossVersionResult",
    "LIFECYCLE_EVENTS",
    "RunObservation",
    "Side",
    "SideError",
    "check_cross_version",
    "compare_runs",
    "run_side",
]

#: agno 3 workflow events kept, by their ``event`` value, and what they normalise to.
LIFECYCLE_EVENTS: Mapping[str, str] = {
    "WorkflowStarted": "started",
    "WorkflowCompleted": "completed",
    "WorkflowError": "error",
    "WorkflowCancelled": "cancelled",
}
#: agno 3 content events (agent and team), by their ``event`` value.
CONTENT_EVENTS: Tuple[str, ...] = ("RunContent", "TeamRunContent")

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TIMEOUT = 600.0


@dataclass(frozen=True)
class Side:
    """An interpreter (a virtual environment's python) and a workflow factory ``module:function``."""

    python: str
    factory: str
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.factory


@dataclass
class RunObservation:
    """What one run of one side showed; see the module docstring."""

    events: List[List[Any]] = field(default_factory=list)
    error: Optional[Dict[str, Optional[str]]] = None
    session_state: Any = None
    stored: bool = False
    agno_version: str = ""

    @property
    def text(self) -> str:
        return "".join(event[1] for event in self.events if event[0] == "content")


@dataclass
class CrossVersionResult:
    scenario: str
    mode: str
    run_index: int
    reference: RunObservation
    candidate: RunObservation
    diff: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.diff is None


class SideError(RuntimeError):
    """A side's subprocess failed before reporting (import error, crash, timeout)."""


class CrossVersionParityError(AssertionError):
    def __init__(self, message: str, results: Sequence[CrossVersionResult]) -> None:
        super().__init__(message)
        self.results = list(results)


# -- the worker (runs inside a side's interpreter) ------------------------------------------------


def _load(spec: str) -> Any:
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"expected 'module:attribute', got {spec!r}")
    value: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        value = getattr(value, part)
    return value


def _jsonable(value: Any) -> Any:
    """Plain JSON data: pydantic models / dataclasses dumped, sets sorted into lists."""
    return plain_data(value, jsonable=True)


def _agno_major() -> Tuple[int, str]:
    from importlib.metadata import version

    text = version("agno")
    return int(text.split(".")[0]), text


def _error_of(exc: BaseException) -> Dict[str, Optional[str]]:
    kind: Optional[str] = type(exc).__name__
    if hasattr(exc, "error_type"):
        kind = getattr(exc, "error_type")
    return {"type": kind, "message": str(exc)}


def _v1_events(items: List[Any]) -> List[List[Any]]:
    return [["content", item.content] for item in items if isinstance(getattr(item, "content", None), str)]


def _v3_event(item: Any) -> Optional[List[Any]]:
    name = getattr(item, "event", None)
    if isinstance(name, str) and name in LIFECYCLE_EVENTS:
        return [LIFECYCLE_EVENTS[name]]
    content = getattr(item, "content", None)
    if name in CONTENT_EVENTS and isinstance(content, str):
        return ["content", content]
    return None


async def _drain_async(iterable: Any, sink: List[Any]) -> None:
    """Collect what an ``arun`` call gave: an async iterator, or a coroutine of one or of a single response."""
    if not hasattr(iterable, "__aiter__") and asyncio.iscoroutine(iterable):
        iterable = await iterable
        if not hasattr(iterable, "__aiter__"):
            if iterable is not None:
                sink.append(iterable)
            return
    async for item in iterable:
        sink.append(item)


def _run_once(workflow: Any, major: int, mode: str, kwargs: Dict[str, Any], plain: bool = False
              ) -> Tuple[List[List[Any]], Any]:
    """(normalised events, error dict or None) of one run."""
    items: List[Any] = []
    error: Optional[BaseException] = None
    events_method = f"{mode}_events"
    method_name = mode if major < 2 or plain or not hasattr(workflow, events_method) else events_method
    try:
        result = getattr(workflow, method_name)(**kwargs)
        if mode == "arun":
            asyncio.run(_drain_async(result, items))
        elif hasattr(result, "__iter__") and not isinstance(result, (str, bytes)):
            for item in result:
                items.append(item)
        elif result is not None:
            items.append(result)
    except Exception as exc:  # noqa: BLE001 - the error is part of the observation
        error = exc
    if major < 2:
        events = [["started"], *_v1_events(items), ["error" if error is not None else "completed"]]
    else:
        events = [event for event in (_v3_event(item) for item in items) if event is not None]
    return events, None if error is None else _error_of(error)


def _reload(workflow: Any, major: int, session_id: str) -> Tuple[Any, bool]:
    """(session_state, stored) read from the database by a fresh workflow object."""
    if major < 2:
        stored = workflow.read_from_storage() is not None
        workflow.load_session()
        return _jsonable(workflow.session_state), stored
    from agno.workflow import Workflow

    engine: Any = workflow if isinstance(workflow, Workflow) else getattr(workflow, "workflow", None)
    if not isinstance(engine, Workflow):
        raise TypeError(f"{type(workflow).__name__} is not an agno Workflow and has no .workflow attribute that is one")
    agno3: Any = engine  # typed against whichever agno the checker sees
    if agno3.get_session(session_id=session_id) is None:
        return {}, False
    return _jsonable(agno3.get_session_state(session_id=session_id)), True


def _quiet_agno() -> None:
    import logging

    for name in ("agno", "agno-team", "agno-workflow"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def _worker(request: Dict[str, Any]) -> Dict[str, Any]:
    os.environ.setdefault("AGNO_TELEMETRY", "false")
    major, version = _agno_major()
    _quiet_agno()
    factory: Callable[..., Any] = _load(request["factory"])
    workdir = Path(request["workdir"])
    report: Dict[str, Any] = {"agno_version": version, "scenarios": {}}
    for number, raw in enumerate(request["scenarios"]):
        scenario = Scenario(raw["name"], raw["kwargs"], raw["setup"])
        per_mode: Dict[str, List[Dict[str, Any]]] = {}
        for mode in request["modes"]:
            safe = "".join(c if c.isalnum() else "_" for c in scenario.name)
            db_file = str(workdir / f"{number}-{safe}-{mode}.db")
            session_id = f"parity-{safe}"
            runs = []
            for _ in range(request["repeat"]):
                workflow = factory(scenario, db_file=db_file, session_id=session_id)
                events, error = _run_once(workflow, major, mode, dict(scenario.kwargs), request.get("plain", False))
                state, stored = _reload(factory(scenario, db_file=db_file, session_id=session_id), major, session_id)
                runs.append({"events": events, "error": error, "session_state": state, "stored": stored,
                             "agno_version": version})
            per_mode[mode] = runs
        report["scenarios"][scenario.name] = per_mode
    return report


# -- the parent ---------------------------------------------------------------------------


def run_side(
    side: Side,
    scenarios: Iterable[Scenario],
    modes: Sequence[str] = ("run",),
    repeat: int = 1,
    timeout: float = DEFAULT_TIMEOUT,
    cwd: Optional[Path] = None,
    plain: bool = False,
) -> Dict[str, Dict[str, List[RunObservation]]]:
    """Run every scenario (every mode, ``repeat`` times) in one subprocess of ``side.python``.

    Returns ``{scenario: {mode: [RunObservation per repeat]}}``.  The working
    directory (default: this repository) is put first on the subprocess's
    ``sys.path`` so the factory module imports from it.  ``plain``: call
    ``run``/``arun`` even where ``run_events``/``arun_events`` exist.
    """
    cwd = cwd or REPO_ROOT
    with tempfile.TemporaryDirectory(prefix="agno-migrate-xv-") as scratch:
        out = Path(scratch) / "report.json"
        request = {
            "factory": side.factory,
            "scenarios": [{"name": s.name, "kwargs": _jsonable(s.kwargs), "setup": _jsonable(s.setup)} for s in scenarios],
            "modes": list(modes),
            "repeat": repeat,
            "plain": plain,
            "workdir": scratch,
            "out": str(out),
        }
        env = dict(os.environ, AGNO_TELEMETRY="false", PYTHONPATH=os.pathsep.join(
            [str(cwd), *filter(None, [os.environ.get("PYTHONPATH")])]))
        try:
            proc = subprocess.run(
                [side.python, "-m", "codemods.parity.cross_version", "--worker"],
                input=json.dumps(request), capture_output=True, text=True, cwd=str(cwd), env=env, timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            raise SideError(f"{side.name}: no report after {timeout:.0f} s") from exc
        if proc.returncode != 0 or not out.exists():
            tail = "\n".join(proc.stderr.strip().splitlines()[-25:])
            raise SideError(f"{side.name} ({side.python}) failed with exit code {proc.returncode}:\n{tail}")
        report = json.loads(out.read_text())
    return {
        name: {mode: [RunObservation(**run) for run in runs] for mode, runs in per_mode.items()}
        for name, per_mode in report["scenarios"].items()
    }


def _same_error(reference: Optional[Dict[str, Optional[str]]], candidate: Optional[Dict[str, Optional[str]]]) -> bool:
    if reference is None or candidate is None:
        return reference is candidate
    if reference["message"] != candidate["message"]:
        return False
    unknown = reference["type"] is None or candidate["type"] is None
    return unknown or reference["type"] == candidate["type"]


def compare_runs(reference: RunObservation, candidate: RunObservation, streamed_before_error: bool = True,
                 lifecycle: bool = True) -> Optional[str]:
    """How ``candidate`` differs from ``reference`` (None if it does not).

    ``lifecycle=False`` compares the content events only (and the errors,
    state and storage as always): for a candidate observed through entry
    points that yield content only.
    """
    parts: List[str] = []
    same_error = _same_error(reference.error, candidate.error)
    ref_events, cand_events = reference.events, candidate.events
    if not lifecycle:
        ref_events = [event for event in ref_events if event[0] == "content"] + [["end"]]
        cand_events = [event for event in cand_events if event[0] == "content"] + [["end"]]
    if (streamed_before_error and same_error and reference.error is not None
            and ref_events[-1:] == cand_events[-1:] and len(cand_events) > len(ref_events)):
        # Same failure: the candidate may have streamed more content before it.
        head = ref_events[:-1]
        extra = cand_events[len(head):-1]
        if cand_events[:len(head)] == head and all(event[0] == "content" for event in extra):
            cand_events = ref_events
    if ref_events != cand_events:
        parts.append("events differ:")
        parts.append(f"  reference: {ref_events}")
        parts.append(f"  candidate: {cand_events}")
    if not same_error:
        parts.append(f"error differs:\n  reference: {reference.error}\n  candidate: {candidate.error}")
    if reference.session_state != candidate.session_state:
        parts.append("session_state (reloaded from the side's database) differs:\n"
                     f"  reference: {reference.session_state}\n  candidate: {candidate.session_state}")
    if reference.error is None and candidate.error is None and reference.stored != candidate.stored:
        parts.append(f"session stored differs: reference {reference.stored}, candidate {candidate.stored}")
    return "\n".join(parts) if parts else None


def check_cross_version(
    reference: Side,
    candidate: Side,
    scenarios: Iterable[Scenario],
    candidate_modes: Sequence[str] = ("run",),
    reference_mode: str = "run",
    repeat: int = 1,
    streamed_before_error: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    cwd: Optional[Path] = None,
    candidate_plain: bool = False,
) -> List[CrossVersionResult]:
    """Compare the reference's ``reference_mode`` with every candidate mode on every scenario.

    ``candidate_plain=True`` observes the candidate through ``run``/``arun``
    even where it has ``run_events``/``arun_events`` (the API its callers
    use), and compares content, errors and state without the lifecycle events.

    The two sides run at the same time, one subprocess each.  Returns one
    result per (scenario, candidate mode, run); raises
    :class:`CrossVersionParityError` listing every mismatch.
    """
    scenario_list = list(scenarios)
    if not scenario_list:
        raise ValueError("check_cross_version() needs at least one scenario")
    names = [s.name for s in scenario_list]
    if len(set(names)) != len(names):
        raise ValueError("scenario names must be unique")
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        ref_future = pool.submit(run_side, reference, scenario_list, (reference_mode,), repeat, timeout, cwd)
        cand_future = pool.submit(run_side, candidate, scenario_list, tuple(candidate_modes), repeat, timeout, cwd,
                                  candidate_plain)
        ref_report, cand_report = ref_future.result(), cand_future.result()
    results: List[CrossVersionResult] = []
    for name in names:
        ref_runs = ref_report[name][reference_mode]
        for mode in candidate_modes:
            for index, (ref_run, cand_run) in enumerate(zip(ref_runs, cand_report[name][mode])):
                diff = compare_runs(ref_run, cand_run, streamed_before_error, lifecycle=not candidate_plain)
                results.append(CrossVersionResult(name, mode, index, ref_run, cand_run, diff))
    failures = [r for r in results if not r.ok]
    if failures:
        report = "\n\n".join(f"[{r.scenario} / {r.mode} / run {r.run_index + 1}]\n{r.diff}" for r in failures)
        raise CrossVersionParityError(f"{len(failures)} of {len(results)} cross-version checks failed:\n\n{report}",
                                      results)
    return results


def _side(text: str, label: str) -> Side:
    python, sep, factory = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected PYTHON=module:function, got {text!r}")
    return Side(python, factory, label)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list == ["--worker"]:
        request = json.loads(sys.stdin.read())
        report = _worker(request)
        Path(request["out"]).write_text(json.dumps(report))
        return 0
    parser = argparse.ArgumentParser(prog="python -m codemods.parity.cross_version", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--reference", required=True, help="PYTHON=module:factory of the agno 1.x side")
    parser.add_argument("--candidate", required=True, help="PYTHON=module:factory of the agno 3 side")
    parser.add_argument("--scenarios", required=True, help="module:attribute, a list of harness.Scenario")
    parser.add_argument("--modes", default="run", help="candidate modes, comma-separated (run,arun)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(args_list)
    sys.path.insert(0, os.getcwd())
    scenarios = _load(args.scenarios)
    try:
        results = check_cross_version(_side(args.reference, "reference"), _side(args.candidate, "candidate"),
                                      scenarios, tuple(args.modes.split(",")), repeat=args.repeat, cwd=Path.cwd())
    except (CrossVersionParityError, SideError) as exc:
        print(exc)
        return 1
    print(f"{len(results)} cross-version checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
