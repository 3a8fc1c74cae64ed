"""Market brief: nested fan-out, the inner gather awaited by the outer one."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class QuoteError(Exception):
    pass


async def fetch_quote(symbol: str) -> float:
    await asyncio.sleep(0.01)
    if symbol == "BAD":
        raise QuoteError(f"no quote for {symbol}")
    return float(len(symbol) * 10)


class MarketBrief(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.analyst = Agent(name="analyst", model=model, telemetry=False)

    def run(self, symbols: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_brief_flow(symbols)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_brief_flow(self, symbols: str) -> AsyncIterator[RunResponse]:
        names = symbols.split(",")
        try:
            quotes, opinion = await asyncio.gather(
                asyncio.gather(*[fetch_quote(name) for name in names]),
                self.analyst.arun(f"opinion {symbols}"),
            )
        except QuoteError as exc:
            yield RunResponse(content=f"no brief: {exc}")
            return
        yield RunResponse(content=f"quotes={list(quotes)} ")
        yield RunResponse(content=str(opinion.content))
