"""Report workflow."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class ToolError(Exception):
    pass


async def fetch_figure(topic: str) -> int:
    await asyncio.sleep(0)
    if topic == "BAD":
        raise ToolError(f"no figure for {topic}")
    return len(topic)


class Flow(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, topic: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_report_flow(topic)), debug=True)
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_report_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Report on {topic}: ")
        figure = await fetch_figure(topic)
        answer = await self.writer.arun(f"write {topic}")
        yield RunResponse(content=f"{figure} {answer.content}")
