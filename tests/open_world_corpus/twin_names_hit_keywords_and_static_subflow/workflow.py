"""Report workflow with oddly named helpers."""

import asyncio
from typing import Any, AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Flow(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)
        self.waiter = Agent(name="waiter", model=model, telemetry=False)

    def wait(self, topic: str) -> str:
        answer = asyncio.run(self.waiter.arun(f"wait {topic}"))
        return str(answer.content)

    def run(self, topic: str) -> Iterator[RunResponse]:
        yield RunResponse(content=f"({self.wait(topic)}) ")
        responses = asyncio.run(self._collect_async_responses(self._run_report_flow(self.writer, topic)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    @staticmethod
    async def _run_report_flow(writer: Any, topic: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Report on {topic}: ")
        answer = await writer.arun(f"write {topic}")
        yield RunResponse(content=str(answer.content))
