"""Cookbook-style workflow: agents as class attributes, storage=None explicit."""

import asyncio
from typing import AsyncIterator, Iterator, List, Optional

from agno.agent import Agent, RunResponse
from agno.storage.base import Storage
from agno.workflow import Workflow

from .models import default_model


class HackerNewsReporter(Workflow):
    description: str = "Finds stories and writes a digest."

    finder: Agent = Agent(name="finder", model=default_model(), telemetry=False, instructions=["Find stories."])
    writer: Agent = Agent(name="writer", model=default_model(), telemetry=False, instructions=["Write a digest."])
    storage: Optional[Storage] = None

    def run(self, topic: str, num_stories: int = 2) -> Iterator[RunResponse]:
        self.session_state["topic"] = topic
        stories = asyncio.run(self.finder.arun(f"{num_stories} stories about {topic}"))
        responses = asyncio.run(self._collect_async_responses(self._run_digest_flow(str(stories.content))))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_digest_flow(self, stories: str) -> AsyncIterator[RunResponse]:
        async for chunk in await self.writer.arun(f"digest of {stories}", stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
