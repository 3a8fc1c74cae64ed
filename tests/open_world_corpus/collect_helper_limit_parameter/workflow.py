"""Report workflow."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class ToolError(Exception):
    pass


class Flow(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, topic: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_report_flow(topic), limit=1))
        yield from responses

    async def _run_report_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Report on {topic}: ")
        if topic == "BAD":
            raise ToolError("bad topic")
        answer = await self.writer.arun(f"write {topic}")
        yield RunResponse(content=str(answer.content))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse], limit: int = 100) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
            if len(collected) >= limit:
                break
        return collected
