"""Podcast notes: a module-level collect helper, also used by the package's CLI module."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


async def collect_async(responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
    """Drain an async generator into a list."""
    collected: List[RunResponse] = []
    async for response in responses:
        collected.append(response)
    return collected


class PodcastNotes(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, episode: str) -> Iterator[RunResponse]:
        yield from asyncio.run(collect_async(self._run_notes_flow(episode)))

    async def _run_notes_flow(self, episode: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Notes for {episode}: ")
        answer = await self.writer.arun(f"notes {episode}")
        yield RunResponse(content=str(answer.content))
