"""Newsletter: each section is best effort; a failing section is skipped via contextlib.suppress."""

import asyncio
import contextlib
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class SectionError(Exception):
    pass


class Newsletter(Workflow):
    def __init__(self, model: Model, broken: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)
        self.broken = broken

    def run(self, topics: str) -> Iterator[RunResponse]:
        yield RunResponse(content="# Newsletter\n")
        for topic in topics.split(","):
            # a broken section must not spoil the newsletter
            with contextlib.suppress(SectionError):
                responses = asyncio.run(self._collect_async_responses(self._run_section_flow(topic)))
                yield from responses
        yield RunResponse(content="-- end --")

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_section_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"## {topic}\n")
        if topic == self.broken:
            raise SectionError(topic)
        answer = await self.writer.arun(f"write about {topic}")
        yield RunResponse(content=f"{answer.content}\n")
