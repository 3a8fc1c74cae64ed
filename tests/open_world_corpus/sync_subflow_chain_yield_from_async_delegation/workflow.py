"""Report workflow with nested async subflows."""

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
        for response in asyncio.run(self._collect_async_responses(self._run_report_flow(topic))):
            yield response
        yield from self._footer(topic)

    def _footer(self, topic: str) -> Iterator[RunResponse]:
        count = self.session_state.get("sections", 0)
        yield RunResponse(content=f" ({count} sections on {topic})")

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_intro_flow(self, title: str) -> AsyncIterator[RunResponse]:
        self.session_state["sections"] = self.session_state.get("sections", 0) + 1
        yield RunResponse(content=f"# {title}\n")

    async def _run_body_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        async for item in self._run_intro_flow(f"Body of {topic}"):
            yield item
        if topic == "BAD":
            raise ValueError("bad topic")
        answer = await self.writer.arun(f"write {topic}")
        yield RunResponse(content=str(answer.content))

    async def _run_report_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        async for item in self._run_intro_flow(topic):
            yield item
        async for item in self._run_body_flow(topic):
            if not item.content:
                return
            yield item
