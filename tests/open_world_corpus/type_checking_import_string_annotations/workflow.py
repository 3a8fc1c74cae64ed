"""Report workflow with TYPE_CHECKING-only imports."""

import asyncio
from typing import TYPE_CHECKING, AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.workflow import Workflow

if TYPE_CHECKING:
    from agno.models.base import Model
    from agno.run.response import RunResponseContentEvent


class Flow(Workflow):
    def __init__(self, model: "Model", **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, topic: str) -> "Iterator[RunResponseContentEvent]":
        responses = asyncio.run(self._collect_async_responses(self._run_report_flow(topic)))
        yield from responses

    async def _collect_async_responses(self, responses: "AsyncIterator[RunResponseContentEvent]") -> "List[RunResponseContentEvent]":
        collected: "List[RunResponseContentEvent]" = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_report_flow(self, topic: str) -> "AsyncIterator[RunResponseContentEvent]":
        yield RunResponse(content=f"Report on {topic}: ")  # type: ignore[misc]
        if topic == "BAD":
            raise ValueError("bad topic")
        answer = await self.writer.arun(f"write {topic}")
        yield RunResponse(content=str(answer.content))  # type: ignore[misc]
