"""Market view: a bull and a bear analyst in parallel, bounded by a timeout."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class MarketView(Workflow):
    """Asks a bull and a bear for their case, within a time budget."""

    def __init__(self, model: Model, timeout: float = 30.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.bull = Agent(name="bull", model=model, telemetry=False, instructions=["Make the bull case."])
        self.bear = Agent(name="bear", model=model, telemetry=False, instructions=["Make the bear case."])
        self.timeout = timeout

    def run(self, ticker: str) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_view_flow(ticker)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_view_flow(self, ticker: str) -> AsyncIterator[RunResponse]:
        try:
            bull, bear = await asyncio.wait_for(
                asyncio.gather(self.bull.arun(f"bull case {ticker}"), self.bear.arun(f"bear case {ticker}")),
                timeout=self.timeout,
            )
        except asyncio.TimeoutError:
            yield RunResponse(content=f"{ticker}: analysts timed out")
            return
        self.session_state["ticker"] = ticker
        yield RunResponse(content=f"BULL: {bull.content}\nBEAR: {bear.content}\n")
