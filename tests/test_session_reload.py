"""Sessions persisted with agno 1.8.4's SqliteStorage, reloaded by fresh workflow objects.

A conversation runs one turn per fresh Financial Assistant object sharing a
``session_id`` and a SQLite file (a new ``SqliteStorage`` per turn, as after a
restart).  Each later turn must continue the session: the ``session_state``
and the runs in memory that the earlier turns stored, for legacy ``run``,
migrated ``run`` and migrated ``arun``; ``check_session_parity`` compares the
reloaded state of the legacy and the migrated side turn by turn.

The workflows keep the conversation in ``session_state`` (the questions
asked), in a subclass written as a user would: legacy code in ``run`` only;
the migrated class with the same code in ``run`` and ``arun``.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Dict, Iterator, List

import pytest

pytest.importorskip("sqlalchemy", reason="agno's SqliteStorage needs sqlalchemy (a test extra)")

from agno.run.response import RunResponse  # noqa: E402
from agno.storage.sqlite import SqliteStorage  # noqa: E402

from codemods.parity.harness import (  # noqa: E402
    ParityError,
    SessionScenario,
    check_session_parity,
    collect_session,
)
from legacy.financial_assistant import FinancialAssistant as LegacyAssistant  # noqa: E402
from migrated.financial_assistant import FinancialAssistant as MigratedAssistant  # noqa: E402
from tests.conftest import make_workflow  # noqa: E402

# agno 1.8.4's SqliteStorage calls Column.copy(), deprecated in SQLAlchemy 2.x.
pytestmark = pytest.mark.filterwarnings("ignore:The Column.copy:DeprecationWarning")

PRICE_AAPL = "What is the stock price of AAPL?"
PRICE_NVDA = "What is the stock price of NVDA?"


def remember(state: Dict[str, Any], message: str) -> None:
    questions: List[str] = state.setdefault("questions", [])
    questions.append(message)
    state["turns"] = len(questions)


class LegacySessionAssistant(LegacyAssistant):
    def run(self, message: str) -> Iterator[RunResponse]:  # type: ignore[override]
        remember(self.session_state, message)
        yield from super().run(message)


class MigratedSessionAssistant(MigratedAssistant):
    def run(self, message: str) -> Iterator[RunResponse]:
        remember(self.session_state, message)
        yield from super().run(message)

    async def arun(self, message: str) -> AsyncIterator[RunResponse]:
        remember(self.session_state, message)
        async for item in super().arun(message):
            yield item


SCENARIOS = [
    SessionScenario(
        "report_then_price",
        turns=({"message": "Please write a report on AAPL"}, {"message": PRICE_NVDA}),
        session_state={"user": "alice"},
    ),
    SessionScenario(
        "three_turns",
        turns=(
            {"message": "Should I hold AAPL or MSFT this year?"},
            {"message": "What is a dividend?"},
            {"message": "Show me the income statement of MSFT"},
        ),
    ),
    SessionScenario(
        "failing_middle_turn",
        turns=({"message": PRICE_AAPL}, {"message": "crash: the stock price of MSFT?"}, {"message": PRICE_NVDA}),
        setup={"fail_on": "crash"},
    ),
]
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
ENTRY_POINTS = [(LegacySessionAssistant, "run"), (MigratedSessionAssistant, "run"), (MigratedSessionAssistant, "arun")]
ENTRY_IDS = ["legacy-run", "migrated-run", "migrated-arun"]


def factory(cls: type) -> Callable[[Any], Any]:
    return lambda scenario: make_workflow(cls, scenario)


@pytest.fixture
def sqlite(tmp_path: Path) -> Callable[[str], SqliteStorage]:
    """A new SqliteStorage object on the file named after ``key`` at every call."""
    return lambda key: SqliteStorage(table_name="workflow_sessions", db_file=str(tmp_path / f"{key}.db"), mode="workflow")


@pytest.mark.parametrize(("cls", "mode"), ENTRY_POINTS, ids=ENTRY_IDS)
def test_a_fresh_workflow_continues_the_stored_session(cls: type, mode: str, sqlite) -> None:
    scenario = BY_NAME["report_then_price"]
    first, second = collect_session(factory(cls), scenario, mode, sqlite, f"{cls.__name__}-{mode}").turns
    assert first.run.error is None and second.run.error is None
    report = first.run.text
    assert report.startswith("AAPL earned 97.0")
    assert second.run.text == "NVDA stock price: 875.3"
    # What turn 1 stored...
    stored_first = {"user": "alice", "questions": ["Please write a report on AAPL"], "turns": 1}
    assert first.stored_state == stored_first
    assert first.stored_runs == [report]
    # ...is what the fresh object of turn 2 loads before its run...
    assert second.loaded_state == stored_first
    assert second.loaded_runs == [report]
    # ...and continues: the state grows and memory holds both runs, in the object and in storage.
    stored_second = {"user": "alice", "questions": ["Please write a report on AAPL", PRICE_NVDA], "turns": 2}
    assert second.run.session_state == stored_second == second.stored_state
    assert second.run.memory_runs == 2
    assert second.stored_runs == [report, "NVDA stock price: 875.3"]
    assert second.run.run_id_on_every_item


@pytest.mark.parametrize(("cls", "mode"), ENTRY_POINTS, ids=ENTRY_IDS)
def test_the_run_itself_reloads_without_load_session(cls: type, mode: str, sqlite) -> None:
    turns = collect_session(factory(cls), BY_NAME["three_turns"], mode, sqlite, "no-load", load_session=False).turns
    assert [turn.loaded_state for turn in turns] == [{}, {}, {}]  # nothing loaded by hand
    assert [turn.run.memory_runs for turn in turns] == [1, 2, 3]
    assert turns[-1].run.session_state["turns"] == 3
    assert len(turns[-1].stored_runs) == 3


def test_a_failed_turn_stores_nothing_and_the_next_one_continues(sqlite) -> None:
    for cls, mode in ENTRY_POINTS:
        first, failed, third = collect_session(
            factory(cls), BY_NAME["failing_middle_turn"], mode, sqlite, f"fail-{cls.__name__}-{mode}"
        ).turns
        assert failed.run.error is not None and failed.run.error.startswith("ScriptedModelError")
        assert failed.stored_runs == first.stored_runs == ["AAPL stock price: 189.5"]
        assert failed.stored_state == first.stored_state == {"questions": [PRICE_AAPL], "turns": 1}
        # agno writes the session only when a run ends: the failed question is not remembered.
        assert third.loaded_state == {"questions": [PRICE_AAPL], "turns": 1}
        assert third.run.session_state == {"questions": [PRICE_AAPL, PRICE_NVDA], "turns": 2}
        assert third.stored_runs == ["AAPL stock price: 189.5", "NVDA stock price: 875.3"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_session_parity_legacy_vs_migrated(scenario: SessionScenario, sqlite) -> None:
    results = check_session_parity(
        factory(LegacySessionAssistant), factory(MigratedSessionAssistant), [scenario], sqlite
    )
    assert [result.mode for result in results] == ["run", "arun"]
    for result in results:
        assert result.ok
        assert len(result.candidate.turns) == len(scenario.turns)
        last = result.reference.turns[-1]
        assert last.stored_runs and last.stored_state["questions"]  # the compared state is not empty


def test_session_parity_catches_a_run_agno_does_not_wrap(sqlite) -> None:
    """Without AGM008's override agno wraps only arun(): run() neither reads nor writes the session."""

    def unwrapped(scenario: Any) -> Any:
        workflow = make_workflow(MigratedSessionAssistant, scenario)
        object.__setattr__(workflow, "run", types.MethodType(type(workflow).run, workflow))
        return workflow

    with pytest.raises(ParityError) as raised:
        check_session_parity(factory(LegacySessionAssistant), unwrapped, [BY_NAME["report_then_price"]], sqlite)
    message = str(raised.value)
    assert "[report_then_price / run]" in message and "[report_then_price / arun]" not in message
    assert "stored_runs differs" in message and "loaded_state differs" in message


def test_session_parity_catches_lost_session_state(sqlite) -> None:
    class Forgetful(MigratedSessionAssistant):
        def load_session(self, force: bool = False) -> Any:
            session_id = super().load_session(force)
            self.session_state = {}
            return session_id

    with pytest.raises(ParityError) as raised:
        check_session_parity(factory(LegacySessionAssistant), factory(Forgetful), [BY_NAME["three_turns"]], sqlite)
    assert "loaded_state differs" in str(raised.value)


def test_load_session_needs_storage_in_workflow_mode(tmp_path: Path) -> None:
    """An agno 1.8.4 fact the harness guards against: load_session() does not set the storage mode."""
    db = str(tmp_path / "agent-mode.db")
    workflow = make_workflow(LegacyAssistant, SCENARIOS[0])
    workflow.storage, workflow.session_id = SqliteStorage(table_name="t", db_file=db), "s"
    assert [item.content for item in workflow.run(message=PRICE_AAPL)] == ["AAPL stock price: 189.5"]
    fresh = make_workflow(LegacyAssistant, SCENARIOS[0])
    fresh.storage, fresh.session_id = SqliteStorage(table_name="t", db_file=db), "s"
    with pytest.raises(AttributeError, match="workflow_id"):
        fresh.load_session()
    with pytest.raises(ValueError, match="mode='workflow'"):
        collect_session(factory(LegacyAssistant), SCENARIOS[0], "run",
                        lambda key: SqliteStorage(table_name="t", db_file=str(tmp_path / "x.db")), "x")


def test_reused_storage_is_refused(sqlite) -> None:
    collect_session(factory(LegacyAssistant), BY_NAME["report_then_price"], "run", sqlite, "once")
    with pytest.raises(ValueError, match="already holds session"):
        collect_session(factory(LegacyAssistant), BY_NAME["report_then_price"], "run", sqlite, "once")
