"""agno 1.8.4 wraps only one of run()/arun(); the migrated class gets both wrapped.

These tests run the REAL agno Workflow machinery: the wrapper is what sets
run_id on every item, accumulates run_response and writes memory.
"""

from __future__ import annotations

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.run.response import RunResponse
from agno.workflow import Workflow

from codemods.engine import migrate_source
from codemods.parity.harness import Scenario
from codemods.rules import select_rules
from migrated.financial_assistant import FinancialAssistant
from tests.conftest import make_workflow

REPORT = Scenario("report", {"message": "Write a report on AAPL"})


def _memory_runs(workflow: Workflow) -> int:
    memory = workflow.memory
    runs = getattr(memory, "runs", None) or {}
    return sum(len(v) for v in runs.values()) if isinstance(runs, dict) else len(runs)


class BothWithoutOverride(Workflow):
    """What a class with a hand-added arun looks like before AGM008."""

    def run(self, message: str) -> Iterator[RunResponse]:
        yield RunResponse(content=message)

    async def arun(self, message: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=message)


def test_agno_wraps_only_arun_when_both_exist() -> None:
    """The agno fact AGM008 exists for (if agno changes, this test says so)."""
    workflow = BothWithoutOverride(telemetry=False)
    items: List[RunResponse] = list(workflow.run(message="hi"))
    assert [item.content for item in items] == ["hi"]
    assert items[0].run_id is None and workflow.run_id is None  # run() bypassed the wrapper
    assert workflow.arun.__func__ is Workflow.arun_workflow_generator  # type: ignore[attr-defined]


def test_agm008_makes_agno_wrap_both() -> None:
    """A run() whose arun() twin AGM007 generated: both go through agno's wrapper."""
    source = b"""from typing import Iterator

from agno.run.response import RunResponse
from agno.workflow import Workflow


class Both(Workflow):
    def run(self, message: str) -> Iterator[RunResponse]:
        yield RunResponse(content=message)
"""
    result = migrate_source(source, select_rules(["AGM007"]))  # requires AGM008
    assert b"async def arun" in (result.migrated or b"") and b"def update_run_method" in (result.migrated or b"")
    namespace: dict = {}
    exec(compile(result.migrated or b"", "both.py", "exec"), namespace)
    workflow = namespace["Both"](telemetry=False)
    items = list(workflow.run(message="hi"))
    assert items[0].run_id is not None and items[0].run_id == workflow.run_id
    assert _memory_runs(workflow) == 1


def test_agm008_leaves_a_hand_written_pair_as_agno_wraps_it() -> None:
    """run()/arun() both written by hand: agno wraps only arun(), before and after."""
    source = b"""from typing import AsyncIterator, Iterator

from agno.run.response import RunResponse
from agno.workflow import Workflow


class Both(Workflow):
    def run(self, message: str) -> Iterator[RunResponse]:
        yield RunResponse(content=message)

    async def arun(self, message: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=message)
"""
    result = migrate_source(source, select_rules(["AGM008"]))
    assert result.migrated == source
    assert [(f.code, f.fixed) for f in result.findings] == [("AGM008", False)]


def test_migrated_run_goes_through_agnos_wrapper() -> None:
    workflow = make_workflow(FinancialAssistant, REPORT)
    assert workflow.run.__func__ is Workflow.run_workflow
    items = list(workflow.run(message="Write a report on AAPL"))
    assert len(items) > 1
    assert workflow.run_id is not None
    assert {item.run_id for item in items} == {workflow.run_id}
    assert workflow.run_response.content == "".join(item.content for item in items)
    assert _memory_runs(workflow) == 1


def test_migrated_arun_goes_through_agnos_wrapper() -> None:
    workflow = make_workflow(FinancialAssistant, REPORT)
    assert workflow.arun.__func__ is Workflow.arun_workflow_generator

    async def collect() -> List[RunResponse]:
        return [item async for item in workflow.arun(message="Write a report on AAPL")]

    items = asyncio.run(collect())
    assert len(items) > 1
    assert {item.run_id for item in items} == {workflow.run_id} != {None}
    assert workflow.run_response.content == "".join(item.content for item in items)
    assert _memory_runs(workflow) == 1
