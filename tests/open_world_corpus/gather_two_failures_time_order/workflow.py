"""Market brief: fetches quotes for several tickers at once, then writes a brief."""

import asyncio
from typing import AsyncIterator, Dict, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class QuoteError(Exception):
    pass


class FeedTimeout(Exception):
    pass


async def fetch_quote(ticker: str, delays: Dict[str, float]) -> float:
    await asyncio.sleep(delays.get(ticker, 0.0))
    if ticker.startswith("X"):
        raise QuoteError(f"unknown ticker {ticker}")
    if ticker.startswith("SLOW"):
        raise FeedTimeout(f"feed timed out for {ticker}")
    return float(len(ticker))


class MarketBrief(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, tickers: List[str], delays: Dict[str, float]) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_brief_flow(tickers, delays)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_brief_flow(self, tickers: List[str], delays: Dict[str, float]) -> AsyncIterator[RunResponse]:
        try:
            quotes = await asyncio.gather(*[fetch_quote(t, delays) for t in tickers])
        except FeedTimeout as exc:
            yield RunResponse(content=f"feed down: {exc}\n")
            return
        answer = await self.writer.arun(f"brief on {' '.join(tickers)}")
        yield RunResponse(content=f"{dict(zip(tickers, quotes))} {answer.content}")
