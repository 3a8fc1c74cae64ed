"""Cross-version parity: legacy/ on agno 1.8.4 (.venv) against migrated/agno3/ on agno 3.1.10 (.venv-agno3).

The factories below run INSIDE the side subprocesses (each imports this module
there, so nothing agno is imported at module level); the tests run in the
parent.  One subprocess per side runs all scenarios.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, List

import pytest

from codemods.parity.cross_version import (
    CrossVersionParityError,
    Side,
    SideError,
    check_cross_version,
    compare_runs,
    RunObservation,
)
from codemods.parity.harness import Scenario
from tests.scenarios import SCENARIOS

REPO = Path(__file__).resolve().parent.parent
PYTHON_V1 = REPO / ".venv" / "bin" / "python"
PYTHON_V3 = REPO / ".venv-agno3" / "bin" / "python"
COUNTER = REPO / "tests" / "fixtures" / "AGM301" / "counter_state"
ME = __name__


def _sides_present() -> None:
    missing = [str(p) for p in (PYTHON_V1, PYTHON_V3) if not p.exists()]
    assert not missing, f"missing environments {missing}: run scripts/setup and scripts/setup-agno3"


# -- factories (called in the side subprocesses) ---------------------------------------------------


def _agno3_model(setup: Dict[str, Any], responder: Any) -> Any:
    from codemods.agno3_workflow_fake_model import ScriptedModel

    fail_on = setup.get("fail_on")
    return ScriptedModel(responder=responder, fail_on=(lambda prompt: fail_on in prompt) if fail_on else None)


def make_legacy(scenario: Scenario, db_file: str, session_id: str) -> Any:
    from agno.storage.sqlite import SqliteStorage

    from legacy.financial_assistant import FinancialAssistant
    from tests.conftest import build_model, build_tools

    storage = SqliteStorage(table_name="workflow_sessions", db_file=db_file, mode="workflow")
    return FinancialAssistant(model=build_model(scenario.setup), tools=build_tools(FinancialAssistant, scenario.setup),
                              telemetry=False, session_id=session_id, storage=storage)


def make_agno3(scenario: Scenario, db_file: str, session_id: str) -> Any:
    from agno.db.sqlite import SqliteDb

    from migrated.agno3.financial_assistant import FinancialAssistant
    from tests.conftest import build_tools, financial_responder

    return FinancialAssistant(model=_agno3_model(scenario.setup, financial_responder),
                              tools=build_tools(FinancialAssistant, scenario.setup),
                              telemetry=False, session_id=session_id, db=SqliteDb(db_file=db_file))


def make_agno3_skipping_errors(scenario: Scenario, db_file: str, session_id: str) -> Any:
    """A wrong migration: agno 3's default Step (retries, then the workflow skips the failed step)."""
    from agno.workflow import Step

    workflow = make_agno3(scenario, db_file, session_id)
    workflow.workflow.steps = [Step(name="run", executor=workflow._run_step)]
    return workflow


def _load_file(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _echo(user: str, system: str) -> str:
    return f"echo {user}"


def _v1_workflow(fixture: Path, class_name: str, db_file: str, session_id: str) -> Any:
    """The 1.x fixture's workflow class on SqliteStorage, its model the scripted echo (fails on "boom")."""
    from agno.storage.sqlite import SqliteStorage

    from codemods.parity.fake_model import ScriptedModel

    module = _load_file(fixture.with_name(fixture.name + ".before.py"), f"{fixture.name}_v1")
    model = ScriptedModel(responder=_echo, fail_on=lambda prompt: "boom" in prompt)
    storage = SqliteStorage(table_name="workflow_sessions", db_file=db_file, mode="workflow")
    return getattr(module, class_name)(model=model, telemetry=False, session_id=session_id, storage=storage)


def _v3_workflow(fixture: Path, class_name: str, db_file: str, session_id: str) -> Any:
    """The same class as AGM301 rewrote it, on agno 3's SqliteDb, with agno 3's scripted echo."""
    from agno.db.sqlite import SqliteDb

    module = _load_file(fixture.with_name(fixture.name + ".after.py"), f"{fixture.name}_v3")
    model = _agno3_model({"fail_on": "boom"}, _echo)
    return getattr(module, class_name)(model=model, telemetry=False, session_id=session_id, db=SqliteDb(db_file=db_file))


def make_counter_v1(scenario: Scenario, db_file: str, session_id: str) -> Any:
    return _v1_workflow(COUNTER, "Counter", db_file, session_id)


def make_counter_v3(scenario: Scenario, db_file: str, session_id: str) -> Any:
    return _v3_workflow(COUNTER, "Counter", db_file, session_id)


def make_counter_v3_subclass(scenario: Scenario, db_file: str, session_id: str) -> Any:
    """The trap: the 1.x class shape left as is on agno 3 (a plain run() override, no engine)."""
    from agno.agent import Agent
    from agno.db.sqlite import SqliteDb
    from agno.run.agent import RunContentEvent
    from agno.workflow import Workflow

    class Counter(Workflow):
        def __init__(self, model: Any, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.echo = Agent(name="echo", model=model, telemetry=False)

        def run(self, message: str, times: int = 1) -> Any:  # type: ignore[override]
            state = self.session_state if self.session_state is not None else {}
            count = state.get("count", 0) + times
            state["count"] = count
            state.setdefault("messages", []).append(message)
            yield RunContentEvent(content=f"run {count}: ")
            yield from self.echo.run(message, stream=True)

    model = _agno3_model({"fail_on": "boom"}, _echo)
    return Counter(model=model, telemetry=False, session_id=session_id, db=SqliteDb(db_file=db_file), session_state={})


GREETER = REPO / "tests" / "fixtures" / "AGM301" / "async_only_no_init"


def make_greeter_v1(scenario: Scenario, db_file: str, session_id: str) -> Any:
    from agno.storage.sqlite import SqliteStorage

    from codemods.parity.fake_model import ScriptedModel

    module = _load_file(GREETER.with_name(GREETER.name + ".before.py"), "greeter_v1")
    module.Greeter.greeter.model = ScriptedModel(responder=_echo, fail_on=lambda prompt: "boom" in prompt)
    storage = SqliteStorage(table_name="workflow_sessions", db_file=db_file, mode="workflow")
    return module.Greeter(telemetry=False, session_id=session_id, storage=storage)


def make_greeter_v3(scenario: Scenario, db_file: str, session_id: str) -> Any:
    from agno.db.sqlite import SqliteDb

    module = _load_file(GREETER.with_name(GREETER.name + ".after.py"), "greeter_v3")
    module.Greeter.greeter.model = _agno3_model({"fail_on": "boom"}, _echo)
    return module.Greeter(telemetry=False, session_id=session_id, db=SqliteDb(db_file=db_file))


GREETER_SCENARIOS: List[Scenario] = [
    Scenario("polite", {"name": "Ada"}),
    Scenario("curt", {"name": "Bob", "polite": False}),
    Scenario("model_fails", {"name": "boom"}),
]

CACHED = REPO / "tests" / "fixtures" / "AGM301" / "state_in_helpers"


def make_cached_v1(scenario: Scenario, db_file: str, session_id: str) -> Any:
    return _v1_workflow(CACHED, "CachedWriter", db_file, session_id)


def make_cached_v3(scenario: Scenario, db_file: str, session_id: str) -> Any:
    return _v3_workflow(CACHED, "CachedWriter", db_file, session_id)


CACHED_SCENARIOS: List[Scenario] = [Scenario("tea", {"topic": "tea"}), Scenario("model_fails", {"topic": "boom"})]

COUNTER_SCENARIOS: List[Scenario] = [
    Scenario("twice", {"message": "hello", "times": 2}),
    Scenario("model_fails", {"message": "boom now"}),
]


def _side(python: Path, factory: str) -> Side:
    return Side(str(python), f"{ME}:{factory}", factory)


# -- tests ------------------------------------------------------------------------------------


def test_financial_assistant_keeps_behaviour_across_versions() -> None:
    """Every scenario, agno 3 through run() and arun(): same content, lifecycle, errors, stored state."""
    _sides_present()
    results = check_cross_version(_side(PYTHON_V1, "make_legacy"), _side(PYTHON_V3, "make_agno3"),
                                  SCENARIOS, candidate_modes=("run", "arun"))
    assert len(results) == 2 * len(SCENARIOS)
    by_name = {(r.scenario, r.mode): r for r in results}
    for result in results:
        assert result.ok
        assert result.reference.agno_version == "1.8.4" and result.candidate.agno_version == "3.1.10"
        assert result.candidate.events[0] == ["started"]
        if result.reference.error is None:
            assert result.candidate.events[-1] == ["completed"] and result.candidate.text
            assert result.reference.stored and result.candidate.stored
        else:
            assert result.candidate.events[-1] == ["error"]
    # The failure paths really fail, with the original error where agno 3 kept its type.
    assert by_name[("chat_tool_failure", "run")].candidate.error == {
        "type": "FinancialDataError", "message": "get_stock_price is unavailable"}
    assert by_name[("model_error_report_agent", "arun")].candidate.error["type"] == "ScriptedModelError"
    assert by_name[("model_error_router", "run")].reference.error["type"] == "ScriptedModelError"


def test_financial_assistant_callers_api_keeps_content_and_errors() -> None:
    """Through the generated run()/arun() (content events only), as app.py-style callers use it."""
    _sides_present()
    results = check_cross_version(_side(PYTHON_V1, "make_legacy"), _side(PYTHON_V3, "make_agno3"),
                                  SCENARIOS, candidate_modes=("run", "arun"), candidate_plain=True)
    assert len(results) == 2 * len(SCENARIOS) and all(r.ok for r in results)
    assert all(event[0] == "content" for r in results for event in r.candidate.events)
    assert sum(bool(r.candidate.text) for r in results) == sum(r.reference.error is None for r in results)


def test_harness_catches_a_migration_that_skips_failed_steps() -> None:
    _sides_present()
    failing = [s for s in SCENARIOS if s.name in ("model_error_router", "chat_tool_failure", "stock_price")]
    with pytest.raises(CrossVersionParityError) as raised:
        check_cross_version(_side(PYTHON_V1, "make_legacy"), _side(PYTHON_V3, "make_agno3_skipping_errors"), failing)
    bad = sorted(r.scenario for r in raised.value.results if not r.ok)
    assert bad == ["chat_tool_failure", "model_error_router"]  # the success path still matches
    assert "events differ" in str(raised.value) and "error differs" in str(raised.value)


def test_session_state_persists_across_runs_and_not_for_failed_ones() -> None:
    """The counter: the second run continues from the stored state; a failed run stores nothing on either side."""
    _sides_present()
    results = check_cross_version(_side(PYTHON_V1, "make_counter_v1"), _side(PYTHON_V3, "make_counter_v3"),
                                  COUNTER_SCENARIOS, candidate_modes=("run",), repeat=2)
    states = {(r.scenario, r.run_index): r.candidate.session_state for r in results}
    assert all(r.ok for r in results)
    assert states[("twice", 0)] == {"count": 2, "messages": ["hello"]}
    assert states[("twice", 1)] == {"count": 4, "messages": ["hello", "hello"]}
    assert states[("model_fails", 1)] == {}
    twice = [r for r in results if r.scenario == "twice"]
    assert [r.candidate.text for r in twice] == ["run 2: echo hello", "run 4: echo hello"]


def test_async_only_workflow_keeps_behaviour_across_versions() -> None:
    """AGM301's async-only fixture (class-attribute agent, no __init__): arun() on both sides, twice."""
    _sides_present()
    results = check_cross_version(_side(PYTHON_V1, "make_greeter_v1"), _side(PYTHON_V3, "make_greeter_v3"),
                                  GREETER_SCENARIOS, candidate_modes=("arun",), reference_mode="arun", repeat=2)
    assert all(r.ok for r in results) and len(results) == 6
    texts = {(r.scenario, r.run_index): r.candidate.text for r in results}
    assert texts[("polite", 1)] == "Visit 2. echo greet Adaecho wave at Ada"
    assert texts[("curt", 0)] == "echo greet Bobecho wave at Bob"
    failed = [r for r in results if r.scenario == "model_fails"]
    assert all(r.reference.error and r.candidate.session_state == {} for r in failed)


def test_state_kept_by_helper_methods_persists_across_versions() -> None:
    """AGM301's fixture whose helpers read and write self.session_state: the second run answers from the cache."""
    _sides_present()
    results = check_cross_version(_side(PYTHON_V1, "make_cached_v1"), _side(PYTHON_V3, "make_cached_v3"),
                                  CACHED_SCENARIOS, candidate_modes=("run",), repeat=2)
    assert all(r.ok for r in results)
    tea = [r.candidate for r in results if r.scenario == "tea"]
    assert [o.text for o in tea] == ["echo write about tea", "(cached) echo write about tea"]
    assert tea[1].session_state == {"posts": {"tea": "echo write about tea"}}
    assert all(r.candidate.error and r.candidate.session_state == {} for r in results if r.scenario == "model_fails")


def test_harness_catches_the_subclass_left_on_agno3() -> None:
    """A 1.x-style run() override runs on agno 3 but bypasses the engine: no lifecycle, nothing stored."""
    _sides_present()
    with pytest.raises(CrossVersionParityError) as raised:
        check_cross_version(_side(PYTHON_V1, "make_counter_v1"), _side(PYTHON_V3, "make_counter_v3_subclass"),
                            COUNTER_SCENARIOS[:1], repeat=2)
    message = str(raised.value)
    assert "events differ" in message and "session_state (reloaded from the side's database) differs" in message


def test_a_side_that_cannot_start_is_an_error() -> None:
    _sides_present()
    with pytest.raises(SideError, match="no_such_factory"):
        check_cross_version(_side(PYTHON_V1, "make_legacy"), _side(PYTHON_V3, "no_such_factory"), SCENARIOS[:1])


def test_compare_runs_rules() -> None:
    started, done, failed = ["started"], ["completed"], ["error"]
    ok = RunObservation(events=[started, ["content", "a"], done], session_state={}, stored=True)
    assert compare_runs(ok, ok) is None
    ref_error = RunObservation(events=[started, failed], error={"type": "E", "message": "m"})
    streamed = RunObservation(events=[started, ["content", "a"], failed], error={"type": None, "message": "m"})
    assert compare_runs(ref_error, streamed) is None  # streamed more before the same error; type unknown
    assert compare_runs(ref_error, streamed, streamed_before_error=False) is not None
    other = RunObservation(events=[started, failed], error={"type": "F", "message": "m"})
    assert "error differs" in (compare_runs(ref_error, other) or "")
    skipped = RunObservation(events=[started, ["content", "a"], done], session_state={}, stored=True)
    assert "events differ" in (compare_runs(ref_error, skipped) or "")
    content_only = RunObservation(events=[["content", "a"]], session_state={}, stored=True)
    assert compare_runs(ok, content_only, lifecycle=False) is None
    assert compare_runs(ok, content_only) is not None
    state = RunObservation(events=ok.events, session_state={"n": 1}, stored=True)
    assert "session_state" in (compare_runs(ok, state) or "")


def test_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI a user runs on their own workflow: exit 0 when it keeps behaviour, 1 with the diff when not."""
    from codemods.parity.cross_version import main

    _sides_present()
    common = ["--scenarios", f"{ME}:COUNTER_SCENARIOS", "--modes", "run", "--repeat", "2"]
    assert main(["--reference", f"{PYTHON_V1}={ME}:make_counter_v1",
                 "--candidate", f"{PYTHON_V3}={ME}:make_counter_v3", *common]) == 0
    assert "4 cross-version checks passed" in capsys.readouterr().out
    assert main(["--reference", f"{PYTHON_V1}={ME}:make_counter_v1",
                 "--candidate", f"{PYTHON_V3}={ME}:make_counter_v3_subclass", *common]) == 1
    assert "[twice / run / run 2]" in capsys.readouterr().out


BARE_WORKFLOW = """
import asyncio, tempfile, os
from codemods.parity.harness import Scenario
import tests.test_cross_version_parity as t
scratch = tempfile.mkdtemp()
fa = t.make_agno3(Scenario("bare", {}), os.path.join(scratch, "fa.db"), "s1")
print(fa.workflow.run(input="What is the stock price of AAPL?").content)
print(asyncio.run(fa.async_workflow.arun(input="Show me the income statement of MSFT")).content)
counter = t.make_counter_v3(Scenario("bare", {}), os.path.join(scratch, "c.db"), "s2")
print(counter.workflow.run(input="hi").content)
print(counter.workflow.get_session_state(session_id="s2"))
"""


def test_the_agno3_workflow_runs_bare_as_agentos_would() -> None:
    """workflow.run(input=...) without additional_data: the text input is the first argument, literal defaults the rest."""
    import subprocess

    _sides_present()
    env = dict(os.environ, AGNO_TELEMETRY="false", PYTHONPATH=str(REPO))
    proc = subprocess.run([str(PYTHON_V3), "-c", BARE_WORKFLOW], capture_output=True, text=True, cwd=REPO, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.splitlines() == [
        "AAPL stock price: 189.5",
        "MSFT income statement: {'revenue': 211.9, 'net_income': 72.4}",
        "run 1: echo hi",
        "{'count': 1, 'messages': ['hi']}",
    ]


def test_an_arun_that_returns_one_response_is_observed() -> None:
    """agno 1.x arun() may be a coroutine of a single response instead of an async iterator."""
    import asyncio

    from codemods.parity.cross_version import _drain_async

    class Response:
        content = "one"

    async def single() -> Response:
        return Response()

    async def stream():  # type: ignore[no-untyped-def]
        yield Response()
        yield Response()

    sink: List[Any] = []
    asyncio.run(_drain_async(single(), sink))
    assert [item.content for item in sink] == ["one"]
    asyncio.run(_drain_async(stream(), sink))
    assert len(sink) == 3
