"""Financial Assistant workflow, written the legacy agno 1.x way.

A router agent classifies each request; a report flow fetches three kinds of
figures and streams a report, three "alone" flows answer with one figure, and
a chat flow answers free-form questions using live quotes.

The legacy version of this file carries every anti-pattern agno-migrate
fixes; ``migrated/`` holds what the codemods make of it.
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from typing import AsyncIterator, Dict, Iterator, List, Optional

from agno.agent import RunResponse
from agno.models.base import Model
from agno.run.response import RunResponseContentEvent
from agno.workflow import Workflow

from .agents import build_chat_agent, build_report_agent, build_router_agent, build_symbol_agent
from .tools import COMPANIES, FinancialDataError, FinancialDataTools

ALONE_CATEGORIES = ("income_statement", "company_financials", "stock_price")


def normalize_category(answer: object) -> str:
    """Map the router's free-text answer to a flow name ("chat" if unsure)."""
    text = str(answer or "").strip().lower().replace(" ", "_")
    if text in ALONE_CATEGORIES or text == "report":
        return text
    return "chat"


def clean_symbol(answer: object) -> str:
    return str(answer or "").strip().upper()


def symbols_in(message: str) -> List[str]:
    """Known ticker symbols mentioned in ``message``, in order of mention."""
    return [word for word in re.findall(r"[A-Z]{2,5}", message) if word in COMPANIES]


class FinancialAssistant(Workflow):
    """Answers questions about listed companies."""

    description: Optional[str] = "Financial reports, single figures and chat about listed companies."

    def __init__(self, model: Model, tools: Optional[FinancialDataTools] = None, **kwargs) -> None:
        kwargs.setdefault("telemetry", False)
        super().__init__(**kwargs)
        self.tools = tools or FinancialDataTools()
        self.router = build_router_agent(model)
        self.symbol_agent = build_symbol_agent(model)
        self.chat_agent = build_chat_agent(model)
        self.report_agent = build_report_agent(model)

    def run(self, message: str) -> Iterator[RunResponse]:
        """Route ``message`` to a flow and yield that flow's responses."""
        category = self._route(message)
        if category == "report":
            # The whole report is collected before anything is shown.
            responses = asyncio.run(self._collect_async_responses(self._run_report_flow(message)))
            yield from responses
        elif category in ALONE_CATEGORIES:
            yield from asyncio.run(self._collect_async_responses(self._run_alone_flow(category, message)))
        else:
            chat_responses = asyncio.run(self._collect_async_responses(self._run_chat_flow(message)))
            yield from chat_responses

    def _route(self, message: str) -> str:
        """Ask the router agent which flow answers ``message``."""
        response = asyncio.run(self.router.arun(message))
        return normalize_category(response.content)

    async def _collect_async_responses(
        self, responses: AsyncIterator[RunResponseContentEvent]
    ) -> List[RunResponseContentEvent]:
        """Drain an async generator so sync code can iterate its items."""
        collected: List[RunResponseContentEvent] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_report_flow(self, message: str) -> AsyncIterator[RunResponseContentEvent]:
        """Fetch every figure for the company, then stream a report."""
        symbol_response = await self.symbol_agent.arun(message)
        symbol = clean_symbol(symbol_response.content)
        try:
            # Fan out: the three lookups are independent.
            income, financials, price = await asyncio.gather(
                self.tools.get_income_statement(symbol),
                self.tools.get_company_financials(symbol),
                self.tools.get_stock_price(symbol),
            )
        except FinancialDataError as exc:
            yield RunResponseContentEvent(content=f"Could not build a report for {symbol}: {exc}")
            return
        prompt = (
            f"Write a report on {symbol}. Income statement: {income}. "
            f"Financials: {financials}. Share price: {price}."
        )
        async for chunk in await self.report_agent.arun(prompt, stream=True):
            if chunk.content:
                yield RunResponseContentEvent(content=chunk.content)

    async def _run_alone_flow(self, category: str, message: str) -> AsyncIterator[RunResponseContentEvent]:
        """Answer with a single kind of figure."""
        symbol_response = await self.symbol_agent.arun(message)
        symbol = clean_symbol(symbol_response.content)
        try:
            if category == "income_statement":
                figures: object = await self.tools.get_income_statement(symbol)
            elif category == "company_financials":
                figures = await self.tools.get_company_financials(symbol)
            else:
                figures = await self.tools.get_stock_price(symbol)
        except FinancialDataError as exc:
            yield RunResponseContentEvent(content=f"No {category.replace('_', ' ')} for {symbol}: {exc}")
            return
        yield RunResponseContentEvent(content=f"{symbol} {category.replace('_', ' ')}: {figures}")

    async def _run_chat_flow(self, message: str) -> AsyncIterator[RunResponseContentEvent]:
        """Chat, giving the agent live quotes for the companies mentioned."""
        quotes = self._fetch_quotes(symbols_in(message))
        prompt = f"{message}\nQuotes: {quotes}" if quotes else message
        async for chunk in await self.chat_agent.arun(prompt, stream=True):
            if chunk.content:
                yield RunResponseContentEvent(content=chunk.content)

    def _fetch_quotes(self, symbols: List[str]) -> Dict[str, float]:
        """Fetch share prices in parallel, one thread (and event loop) each."""
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = {symbol: pool.submit(asyncio.run, self.tools.get_stock_price(symbol)) for symbol in symbols}
        return {symbol: future.result() for symbol, future in futures.items()}
