"""Report workflow choosing its subflow through a selector method."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Flow(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, topic: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._pick(topic)))
        yield from responses

    def _pick(self, topic: str) -> AsyncIterator[RunResponse]:
        if " " in topic:
            return self._run_report_flow(topic)
        return self._run_brief_flow(topic)

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_report_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Report on {topic}: ")
        answer = await self.writer.arun(f"write {topic}")
        yield RunResponse(content=str(answer.content))

    async def _run_brief_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        answer = await self.writer.arun(f"brief {topic}")
        yield RunResponse(content=f"Brief: {answer.content}")
