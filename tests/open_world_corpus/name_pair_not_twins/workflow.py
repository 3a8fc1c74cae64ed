"""Report workflow with an a-prefixed method that is not an async twin."""

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
        responses = asyncio.run(self._collect_async_responses(self._run_report_flow(topic)))
        yield from responses

    def summarize(self, text: str) -> str:
        """Cheap local summary for log lines (no model call)."""
        return text[:3] + "..."

    async def asummarize(self, text: str) -> str:
        """Ask the writer for a real summary."""
        answer = await self.writer.arun(f"summarize {text}")
        return str(answer.content)

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_report_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Report on {topic}: ")
        summary = await self.asummarize(topic)
        yield RunResponse(content=summary)
