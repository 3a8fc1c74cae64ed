"""The agents of the Financial Assistant; each takes the model to run on."""

from __future__ import annotations

from agno.agent import Agent
from agno.models.base import Model


def build_router_agent(model: Model) -> Agent:
    return Agent(
        name="router",
        model=model,
        telemetry=False,
        instructions=[
            "Classify the request as one of: report, income_statement, company_financials, stock_price, chat.",
            "Answer with the category only.",
        ],
    )


def build_symbol_agent(model: Model) -> Agent:
    return Agent(
        name="symbol-extractor",
        model=model,
        telemetry=False,
        instructions=["Answer with the ticker symbol of the company the request is about, and nothing else."],
    )


def build_chat_agent(model: Model) -> Agent:
    return Agent(
        name="chat",
        model=model,
        telemetry=False,
        instructions=["You are a helpful financial assistant. Use the quotes given in the request."],
    )


def build_report_agent(model: Model) -> Agent:
    return Agent(
        name="report-writer",
        model=model,
        telemetry=False,
        instructions=["Write a short financial report from the figures given in the request."],
    )
