"""The legacy Financial Assistant, run through agno's real ``Workflow.run`` wrapper.

These tests pin what the legacy code does today (the reference the migrated
code must match) and demonstrate the anti-pattern the migration removes: the
legacy ``run()`` collects each whole flow with ``asyncio.run`` before it
yields anything, so nothing streams.
"""

from __future__ import annotations

import gc
import warnings
from typing import Any, List

import pytest

from codemods.parity.fake_model import ScriptedModelError
from codemods.parity.harness import available_modes, collect_run
from legacy.financial_assistant import FinancialAssistant, FinancialDataError
from tests.conftest import make_workflow
from tests.scenarios import BY_NAME, REPORT_PROMPT, SCENARIOS, SLOW_CHAT, SLOW_REPORT

AAPL_REPORT = [
    "AAPL ", "earned ", "97.0 ", "on ", "revenue ", "of ", "383.3, ", "holds ", "352.6 ", "in ",
    "assets ", "against ", "290.4 ", "in ", "liabilities ", "and ", "trades ", "at ", "189.5.",
]  # fmt: skip
NVDA_REPORT = [
    "NVDA ", "earned ", "29.8 ", "on ", "revenue ", "of ", "60.9, ", "holds ", "65.7 ", "in ",
    "assets ", "against ", "22.8 ", "in ", "liabilities ", "and ", "trades ", "at ", "875.3.",
]  # fmt: skip
CHAT_WITH_QUOTES = [
    "You ", "asked: ", "Should ", "I ", "hold ", "AAPL ", "or ", "MSFT ", "this ", "year? ",
    "Using ", "{'AAPL': ", "189.5, ", "'MSFT': ", "402.1}.",
]  # fmt: skip
CHAT_WITHOUT_SYMBOLS = ["You ", "asked: ", "What ", "is ", "a ", "dividend? ", "Using ", "no ", "quotes."]

# scenario name -> exact content of every response the legacy run yields.
EXPECTED_CONTENTS = {
    "report": AAPL_REPORT,
    "report_nvda": NVDA_REPORT,
    "chat_with_quotes": CHAT_WITH_QUOTES,
    "chat_without_symbols": CHAT_WITHOUT_SYMBOLS,
    "income_statement": ["MSFT income statement: {'revenue': 211.9, 'net_income': 72.4}"],
    "company_financials": ["NVDA company financials: {'assets': 65.7, 'liabilities': 22.8}"],
    "stock_price": ["AAPL stock price: 189.5"],
    "report_tool_failure": ["Could not build a report for MSFT: get_stock_price is unavailable"],
    "alone_tool_failure": ["No stock price for MSFT: get_stock_price is unavailable"],
    "unknown_symbol_alone": ["No stock price for ZZZ: unknown symbol 'ZZZ'"],
    "unknown_symbol_report": ["Could not build a report for ZZZ: unknown symbol 'ZZZ'"],
}

# scenario name -> (exception type, text the message contains) of the flows that raise.
EXPECTED_ERRORS = {
    "chat_tool_failure": (FinancialDataError, "get_stock_price is unavailable"),
    "model_error_report_agent": (ScriptedModelError, REPORT_PROMPT + " AAPL."),
    "model_error_router": (ScriptedModelError, "'Please write a report on AAPL'"),
}


def test_every_scenario_is_pinned() -> None:
    assert set(EXPECTED_CONTENTS) | set(EXPECTED_ERRORS) == {scenario.name for scenario in SCENARIOS}
    assert not set(EXPECTED_CONTENTS) & set(EXPECTED_ERRORS)


@pytest.mark.parametrize("name", sorted(EXPECTED_CONTENTS))
def test_legacy_flow_output(name: str) -> None:
    scenario = BY_NAME[name]
    workflow = make_workflow(FinancialAssistant, scenario)
    items: List[Any] = list(workflow.run(**scenario.kwargs))

    assert [item.content for item in items] == EXPECTED_CONTENTS[name]
    assert {type(item).__name__ for item in items} == {"RunResponseContentEvent"}
    # agno's wrapper stamps every item with this run's ids...
    assert workflow.run_id is not None
    assert all(item.run_id == workflow.run_id for item in items)
    assert all(item.session_id == workflow.session_id for item in items)
    assert all(item.workflow_id == workflow.workflow_id for item in items)
    # ...accumulates the content...
    assert workflow.run_response.content == "".join(EXPECTED_CONTENTS[name])
    # ...and adds exactly this run to memory (Memory v2: runs keyed by session id).
    stored = workflow.memory.runs[workflow.session_id]
    assert len(stored) == 1
    assert stored[0].run_id == workflow.run_id
    assert stored[0].content == workflow.run_response.content


@pytest.mark.parametrize("name", sorted(EXPECTED_ERRORS))
def test_legacy_flow_error(name: str) -> None:
    scenario = BY_NAME[name]
    error_type, message = EXPECTED_ERRORS[name]
    workflow = make_workflow(FinancialAssistant, scenario)
    received: List[Any] = []
    with pytest.raises(error_type) as raised:
        for item in workflow.run(**scenario.kwargs):
            received.append(item)
    assert message in str(raised.value)
    assert received == []  # the flow is collected whole, so nothing got out before the error
    assert workflow.run_response.content == ""
    assert not (workflow.memory.runs or {}).get(workflow.session_id)  # a failed run is not stored


def test_harness_observation_of_legacy_matches_pins() -> None:
    """collect_run sees the legacy report run as the direct tests do."""
    scenario = BY_NAME["report"]
    observation = collect_run(make_workflow(FinancialAssistant, scenario), **scenario.kwargs)
    assert observation.contents == AAPL_REPORT
    assert observation.run_id_on_every_item
    assert observation.final_content == "".join(AAPL_REPORT)
    assert observation.memory_runs == 1
    assert observation.session_state == {}
    assert observation.error is None
    assert observation.responses[0] == {
        "type": "RunResponseContentEvent",
        "content": "AAPL ",
        "content_type": "str",
        "thinking": None,
        "reasoning_content": None,
        "citations": None,
    }

    failing = BY_NAME["model_error_router"]
    observation = collect_run(make_workflow(FinancialAssistant, failing), **failing.kwargs)
    assert observation.error == "ScriptedModelError: scripted failure for prompt: 'Please write a report on AAPL'"
    assert observation.responses == [] and observation.memory_runs == 0


def test_legacy_only_has_a_sync_run() -> None:
    workflow = make_workflow(FinancialAssistant, BY_NAME["report"])
    assert available_modes(workflow) == ("run",)


def test_legacy_report_calls_every_dependency_once() -> None:
    events: List[tuple] = []
    scenario = BY_NAME["report"]
    list(make_workflow(FinancialAssistant, scenario, events).run(**scenario.kwargs))
    assert [event for event in events if event[0] == "model-start"] == [
        ("model-start", "Please write a report on AAPL"),  # router
        ("model-start", "Please write a report on AAPL"),  # symbol extractor
        ("model-start", next(e[1] for e in events if e[1].startswith(REPORT_PROMPT))),  # report writer
    ]
    tool_ends = sorted(name for kind, name in events if kind == "tool-end")
    assert tool_ends == ["get_company_financials", "get_income_statement", "get_stock_price"]


@pytest.mark.parametrize("scenario", [SLOW_REPORT, SLOW_CHAT], ids=lambda s: s.name)
def test_legacy_run_streams_nothing_until_the_flow_finished(scenario: Any) -> None:
    """The anti-pattern: every response arrives only after the last model call ended."""
    events: List[tuple] = []
    workflow = make_workflow(FinancialAssistant, scenario, events)
    for item in workflow.run(**scenario.kwargs):
        events.append(("received", item.content))

    kinds = [kind for kind, _ in events]
    first_received = kinds.index("received")
    last_model_end = len(kinds) - 1 - kinds[::-1].index("model-end")
    last_tool_end = len(kinds) - 1 - kinds[::-1].index("tool-end")
    assert kinds.count("received") > 1  # it is a multi-chunk answer...
    assert first_received > last_model_end  # ...yet none of it arrived while the model was streaming
    assert first_received > last_tool_end
    assert all(kind == "received" for kind in kinds[first_received:])


async def test_legacy_run_cannot_be_used_inside_an_event_loop() -> None:
    """Legacy run() calls asyncio.run, so async callers (e.g. a web handler) cannot use it."""
    workflow = make_workflow(FinancialAssistant, BY_NAME["stock_price"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the router coroutine is never awaited
        with pytest.raises(RuntimeError, match="cannot be called from a running event loop"):
            next(iter(workflow.run(message="What is the stock price of AAPL?")))
        gc.collect()
