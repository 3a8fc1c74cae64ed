"""Story writer yielding agno streaming events from its subflow."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent
from agno.models.base import Model
from agno.run.response import RunResponseContentEvent
from agno.workflow import Workflow


class StoryWriter(Workflow):
    """Writes a short story paragraph by paragraph."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.author = Agent(name="author", model=model, telemetry=False, instructions=["Write a paragraph."])

    def run(self, premise: str) -> Iterator[RunResponseContentEvent]:
        yield from asyncio.run(self._collect_async_responses(self._run_story_flow(premise)))

    async def _collect_async_responses(
        self, responses: AsyncIterator[RunResponseContentEvent]
    ) -> List[RunResponseContentEvent]:
        collected: List[RunResponseContentEvent] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_story_flow(self, premise: str) -> AsyncIterator[RunResponseContentEvent]:
        for part in ("beginning", "end"):
            paragraph = await self.author.arun(f"{part} of {premise}")
            yield RunResponseContentEvent(content=f"{paragraph.content}\n")
