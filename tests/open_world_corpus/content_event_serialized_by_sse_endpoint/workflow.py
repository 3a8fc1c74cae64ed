"""Chat workflow whose items are agent content events."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent
from agno.models.base import Model
from agno.run.response import RunResponseContentEvent
from agno.workflow import Workflow


class Flow(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, topic: str) -> Iterator[RunResponseContentEvent]:
        responses = asyncio.run(self._collect_async_responses(self._run_chat_flow(topic)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponseContentEvent]) -> List[RunResponseContentEvent]:
        collected: List[RunResponseContentEvent] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_chat_flow(self, topic: str) -> AsyncIterator[RunResponseContentEvent]:
        yield RunResponseContentEvent(content=f"On {topic}: ")
        answer = await self.writer.arun(f"write {topic}")
        yield RunResponseContentEvent(content=str(answer.content))
