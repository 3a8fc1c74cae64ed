"""Report workflow built by a class factory."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


def build_flow(style: str):
    class Flow(Workflow):
        def __init__(self, model: Model, **kwargs) -> None:
            super().__init__(**kwargs)
            self.writer = Agent(name="writer", model=model, telemetry=False)

        def run(self, topic: str) -> Iterator[RunResponse]:
            answer = asyncio.run(self.writer.arun(f"title {topic}"))
            yield RunResponse(content=f"[{style}] {answer.content}\n")
            responses = asyncio.run(self._collect_async_responses(self._run_report_flow(topic)))
            yield from responses

        async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
            collected: List[RunResponse] = []
            async for response in responses:
                collected.append(response)
            return collected

        async def _run_report_flow(self, topic: str) -> AsyncIterator[RunResponse]:
            yield RunResponse(content=f"Report ({style}) on {topic}: ")
            answer = await self.writer.arun(f"write {topic}")
            yield RunResponse(content=str(answer.content))

    return Flow


Flow = build_flow("plain")
