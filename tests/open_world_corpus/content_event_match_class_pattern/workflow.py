"""Story teller: forwards only content events of the agent stream, chosen with a match statement."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.run.response import RunResponseContentEvent
from agno.workflow import Workflow


class StoryTeller(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.author = Agent(name="author", model=model, telemetry=False)

    def run(self, prompt: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_story_flow(prompt)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponseContentEvent]) -> List[RunResponseContentEvent]:
        collected: List[RunResponseContentEvent] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_story_flow(self, prompt: str) -> AsyncIterator[RunResponseContentEvent]:
        count = 0
        async for event in await self.author.arun(f"story {prompt}", stream=True):
            match event:
                case RunResponseContentEvent(content=str() as text) if text:
                    count += 1
                    yield RunResponseContentEvent(content=text.upper())
                case _:
                    pass
        self.session_state["chunks"] = count
        yield RunResponseContentEvent(content=f" [{count} chunks]")
