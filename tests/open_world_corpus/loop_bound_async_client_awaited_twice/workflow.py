"""Quote workflow using a shared async client."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

from .client import QuoteClient


class Flow(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)
        self.client = QuoteClient({"rates": 4.5, "bond": 3.0, "yields": 5.5, "boom": 1.0})

    def run(self, topic: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_quotes_flow(topic)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_quotes_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        words = topic.split()
        first = await self.client.get(words[0])
        last = await self.client.get(words[-1])
        yield RunResponse(content=f"{first} .. {last}: ")
        answer = await self.writer.arun(f"write {topic}")
        yield RunResponse(content=str(answer.content))
