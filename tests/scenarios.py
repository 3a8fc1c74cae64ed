"""Reusable scenarios for the Financial Assistant (legacy/ and migrated/).

Each :class:`~codemods.parity.harness.Scenario` carries the ``run`` kwargs and
``setup`` data read by :func:`tests.conftest.make_workflow`:

* ``failures``: tool names whose calls raise ``FinancialDataError``;
* ``fail_on``: a substring; the scripted model raises ``ScriptedModelError``
  for every prompt containing it;
* ``latency`` / ``latencies`` (tools) and ``model_latency`` /
  ``chunk_latency`` (model): simulated slowness (only for event-order checks).
"""

from __future__ import annotations

from typing import Dict, List

from codemods.parity.harness import Scenario

# The report agent's prompt always starts like this (see workflow._run_report_flow).
REPORT_PROMPT = "Write a report on"

SCENARIOS: List[Scenario] = [
    Scenario("report", {"message": "Please write a report on AAPL"}),
    Scenario("report_nvda", {"message": "I need a full report about NVDA"}),
    Scenario("chat_with_quotes", {"message": "Should I hold AAPL or MSFT this year?"}),
    Scenario("chat_without_symbols", {"message": "What is a dividend?"}),
    Scenario("income_statement", {"message": "Show me the income statement of MSFT"}),
    Scenario("company_financials", {"message": "What are the company financials of NVDA?"}),
    Scenario("stock_price", {"message": "What is the stock price of AAPL?"}),
    Scenario(
        "report_tool_failure",
        {"message": "Please write a report on MSFT"},
        {"failures": {"get_stock_price"}},
    ),
    Scenario(
        "alone_tool_failure",
        {"message": "What is the stock price of MSFT?"},
        {"failures": {"get_stock_price"}},
    ),
    Scenario(
        "chat_tool_failure",
        {"message": "Should I hold AAPL or MSFT this year?"},
        {"failures": {"get_stock_price"}},
    ),
    Scenario("unknown_symbol_alone", {"message": "What is the stock price of ZZZ?"}),
    Scenario("unknown_symbol_report", {"message": "Please write a report on ZZZ"}),
    Scenario(
        "model_error_report_agent",
        {"message": "Please write a report on AAPL"},
        {"fail_on": REPORT_PROMPT},
    ),
    Scenario(
        "model_error_router",
        {"message": "Please write a report on AAPL"},
        {"fail_on": "Please write a report on AAPL"},
    ),
]

BY_NAME: Dict[str, Scenario] = {scenario.name: scenario for scenario in SCENARIOS}

# Latencies for the streaming / event-order checks: order, never duration, is asserted.
SLOW_SETUP = {
    "latency": 0.01,
    "latencies": {"get_company_financials": 0.02},
    "model_latency": 0.005,
    "chunk_latency": 0.005,
}
SLOW_REPORT = Scenario("slow_report", {"message": "Please write a report on AAPL"}, SLOW_SETUP)
SLOW_CHAT = Scenario("slow_chat", {"message": "Should I hold AAPL or MSFT this year?"}, SLOW_SETUP)
