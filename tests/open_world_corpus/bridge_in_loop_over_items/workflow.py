"""Portfolio digest: one streamed paragraph per ticker in the watch list."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class PortfolioDigest(Workflow):
    """Writes a short digest for every ticker of a watch list."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.analyst = Agent(name="analyst", model=model, telemetry=False,
                             instructions=["Write one paragraph about the ticker."])

    def run(self, tickers: str) -> Iterator[RunResponse]:
        all_responses: List[RunResponse] = []
        for ticker in tickers.split(","):
            ticker = ticker.strip().upper()
            all_responses.extend(asyncio.run(self._collect_async_responses(self._run_ticker_flow(ticker))))
            all_responses.append(RunResponse(content="\n"))
        self.session_state["tickers_done"] = len(all_responses) and tickers.count(",") + 1
        for response in all_responses:
            yield response

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_ticker_flow(self, ticker: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"## {ticker}\n")
        async for chunk in await self.analyst.arun(f"Ticker {ticker}", stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
