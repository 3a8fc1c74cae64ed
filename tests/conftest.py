"""Shared test setup: offline agno, a scripted Financial Assistant model, factories.

Telemetry is switched off before agno is imported anywhere, and every agent
and workflow built here also gets ``telemetry=False``, so the suite never
touches the network.
"""

from __future__ import annotations

import os

os.environ["AGNO_TELEMETRY"] = "false"

import importlib  # noqa: E402
import re  # noqa: E402
from typing import Any, Dict, List, Optional, Tuple  # noqa: E402

import pytest  # noqa: E402

from codemods.parity.fake_model import Responder, ScriptedModel  # noqa: E402
from codemods.parity.harness import Scenario  # noqa: E402

KNOWN_SYMBOLS = ("AAPL", "MSFT", "NVDA")

# Router categories, checked in this order against the lower-cased request.
ROUTES: Tuple[Tuple[str, str], ...] = (
    ("report", "report"),
    ("income", "income_statement"),
    ("financials", "company_financials"),
    ("price", "stock_price"),
)


def route(user: str) -> str:
    lowered = user.lower()
    for word, category in ROUTES:
        if word in lowered:
            return category
    return "chat"


def extract_symbol(user: str) -> str:
    """First known ticker mentioned, else the first other ticker-like word, else AAPL."""
    candidates = re.findall(r"\b[A-Z]{3,5}\b", user)
    for candidate in candidates:
        if candidate in KNOWN_SYMBOLS:
            return candidate
    return candidates[0] if candidates else "AAPL"


def write_report(prompt: str) -> str:
    """The report agent: a sentence built from the figures in its prompt."""
    symbol = re.search(r"report on (\S+?)\.", prompt)
    numbers = re.findall(r"\d+\.\d+", prompt)
    name = symbol.group(1) if symbol else "the company"
    if len(numbers) < 5:
        return f"Not enough figures to report on {name}."
    revenue, net_income, assets, liabilities, price = numbers[:5]
    return (
        f"{name} earned {net_income} on revenue of {revenue}, "
        f"holds {assets} in assets against {liabilities} in liabilities "
        f"and trades at {price}."
    )


def chat_answer(prompt: str) -> str:
    """The chat agent: echoes the question and the quotes it was given."""
    question, _, rest = prompt.partition("\n")
    quotes = rest.removeprefix("Quotes: ") if rest else "no quotes"
    return f"You asked: {question} Using {quotes}."


def financial_responder(user: str, system: str) -> str:
    """Scripted answers of the Financial Assistant's four agents, keyed on their instructions."""
    if "Classify the request" in system:
        return route(user)
    if "ticker symbol" in system:
        return extract_symbol(user)
    if "financial report" in system:
        return write_report(user)
    return chat_answer(user)


def build_model(
    setup: Optional[Dict[str, Any]] = None,
    events: Optional[List[tuple]] = None,
    responder: Responder = financial_responder,
) -> ScriptedModel:
    """The one scripted model all four agents share; ``setup`` as in tests/scenarios.py."""
    setup = setup or {}
    fail_on = setup.get("fail_on")
    model = ScriptedModel(
        responder=responder,
        latency=setup.get("model_latency", 0.0),
        chunk_latency=setup.get("chunk_latency", 0.0),
        fail_on=(lambda prompt: fail_on in prompt) if fail_on else None,
    )
    if events is not None:
        model.events = events
    return model


def package_of(workflow_cls: type) -> str:
    """``legacy.financial_assistant`` for ``legacy.financial_assistant.workflow.FinancialAssistant``
    (or for a subclass of it defined elsewhere, e.g. in a test)."""
    for klass in workflow_cls.__mro__:
        module = klass.__module__
        if module.endswith(".workflow"):
            return module.rpartition(".")[0]
    raise ValueError(f"{workflow_cls.__qualname__} does not derive from a <package>.workflow class")


def build_tools(workflow_cls: type, setup: Optional[Dict[str, Any]] = None, events: Optional[List[tuple]] = None) -> Any:
    """The ``FinancialDataTools`` of the package ``workflow_cls`` lives in."""
    setup = setup or {}
    tools_cls = importlib.import_module(package_of(workflow_cls) + ".tools").FinancialDataTools
    tools = tools_cls(
        latency=setup.get("latency", 0.0),
        failures=set(setup.get("failures", ())),
        latencies=dict(setup.get("latencies", {})),
    )
    if events is not None:
        tools.events = events
    return tools


def make_workflow(
    module_cls: type,
    scenario: Scenario,
    events: Optional[List[tuple]] = None,
    responder: Responder = financial_responder,
) -> Any:
    """A fresh Financial Assistant of class ``module_cls`` set up for ``scenario``.

    With ``events``, the model and the tools record into that one list, so the
    order of model calls, tool calls and whatever the test appends is kept.
    """
    model = build_model(scenario.setup, events, responder)
    tools = build_tools(module_cls, scenario.setup, events)
    return module_cls(model=model, tools=tools, telemetry=False)


@pytest.fixture
def scripted_model() -> ScriptedModel:
    return build_model()


@pytest.fixture
def legacy_tools() -> Any:
    from legacy.financial_assistant import FinancialAssistant

    return build_tools(FinancialAssistant)


@pytest.fixture
def shared_events() -> List[tuple]:
    return []
