"""Shared imports and the base workflow; flow modules do `from .base import *`."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.run.response import RunResponseContentEvent
from agno.workflow import Workflow


class BaseFlow(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.agent = Agent(name="agent", model=model, telemetry=False)

    def run(self, topic: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_main_flow(topic)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponseContentEvent]) -> List[RunResponseContentEvent]:
        collected: List[RunResponseContentEvent] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_main_flow(self, topic: str) -> AsyncIterator[RunResponseContentEvent]:
        answer = await self.agent.arun(f"base {topic}")
        yield RunResponseContentEvent(content=str(answer.content))
