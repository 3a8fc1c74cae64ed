"""Quote board: per-symbol agent answers under a timeout, fanned out with gather over a dict."""

import asyncio
from typing import AsyncIterator, Dict, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

QUOTES: Dict[str, float] = {"AAPL": 190.0, "NVDA": 880.5}


async def quote(symbol: str) -> float:
    await asyncio.sleep(0)
    return QUOTES[symbol]


class QuoteBoard(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.analyst = Agent(name="analyst", model=model, telemetry=False)

    def run(self, symbols: List[str]) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_board_flow(symbols)))

    async def _run_board_flow(self, symbols: List[str]) -> AsyncIterator[RunResponse]:
        known = [s for s in symbols if s in QUOTES]
        prices = dict(zip(known, await asyncio.gather(*(quote(s) for s in known))))
        self.session_state["board"] = prices
        for symbol, price in prices.items():
            view = await asyncio.wait_for(self.analyst.arun(f"View on {symbol} at {price}"), timeout=5)
            yield RunResponse(content=f"{symbol} {price}: {view.content}")
        missing = sorted(set(symbols) - set(known))
        if missing:
            yield RunResponse(content="no quote for " + ", ".join(missing))

    async def _collect_async_responses(self, gen: AsyncIterator[RunResponse]) -> List[RunResponse]:
        out = []
        async for item in gen:
            out.append(item)
        return out
