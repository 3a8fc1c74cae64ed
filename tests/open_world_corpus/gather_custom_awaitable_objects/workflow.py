"""Pricing workflow: lazily-evaluated price lookups are awaitable objects, gathered together."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class PriceLookup:
    """An awaitable request object (like an ORM query or an HTTP request builder)."""

    def __init__(self, sku: str) -> None:
        self.sku = sku

    async def _fetch(self) -> float:
        await asyncio.sleep(0)
        if self.sku == "bad":
            raise LookupError(f"no price for {self.sku}")
        return len(self.sku) * 1.5

    def __await__(self):
        return self._fetch().__await__()


class Pricing(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, skus: List[str]) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_pricing_flow(skus)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_pricing_flow(self, skus: List[str]) -> AsyncIterator[RunResponse]:
        first, second = await asyncio.gather(PriceLookup(skus[0]), PriceLookup(skus[1]))
        answer = await self.writer.arun(f"quote {first} and {second}")
        yield RunResponse(content=str(answer.content))
