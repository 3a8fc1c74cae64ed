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
        responses = asyncio.run(self._drain(self._run_report_flow(topic)))
        yield from responses

    async def _run_report_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Report on {topic}: ")
        if topic == "BAD":
            raise ToolError("bad topic")
        answer = await self.writer.arun(f"write {topic}")
        yield RunResponse(content=str(answer.content))

    async def _drain(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        try:
            async for response in responses:
                collected.append(response)
        except ToolError as exc:
            collected.append(RunResponse(content=f"(report failed: {exc})"))
        return collected
