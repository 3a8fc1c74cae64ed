"""Stock analyst whose agent uses the workflow's own methods as tools."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class StockAnalyst(Workflow):
    """Looks up a ticker and writes a short analysis."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.prices = {"AAPL": 190.0, "MSFT": 410.0}
        self.analyst = Agent(
            name="analyst",
            model=model,
            telemetry=False,
            tools=[self.lookup_price, self.lookup_news],
            instructions=["Analyse the stock."],
        )

    def lookup_news(self, ticker: str) -> str:
        """Latest headline for a ticker.

        Args:
            ticker: the ticker symbol
        """
        return f"{ticker} ships a new product"

    async def lookup_price(self, ticker: str) -> str:
        """Current price for a ticker.

        Args:
            ticker: the ticker symbol
        """
        await asyncio.sleep(0)
        return str(self.prices.get(ticker, "unknown"))

    def run(self, ticker: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_analysis_flow(ticker)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_analysis_flow(self, ticker: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Analysing {ticker}\n")
        analysis = await self.analyst.arun(f"analyse {ticker}")
        self.session_state["last_ticker"] = ticker
        yield RunResponse(content=str(analysis.content))
