"""Idea generator that stops showing ideas at the first duplicate."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

STOP = "<stop>"


class IdeaGenerator(Workflow):
    """Brainstorms ideas until one repeats."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.brainstormer = Agent(name="brainstormer", model=model, telemetry=False, instructions=["One idea."])

    def run(self, topic: str, rounds: int = 4) -> Iterator[RunResponse]:
        for response in asyncio.run(self._collect_async_responses(self._run_ideas_flow(topic, rounds))):
            if response.content == STOP:
                raise ValueError("duplicate idea")
            yield response

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_ideas_flow(self, topic: str, rounds: int) -> AsyncIterator[RunResponse]:
        seen: List[str] = []
        for number in range(rounds):
            idea = await self.brainstormer.arun(f"idea {number} on {topic}")
            text = str(idea.content)
            self.session_state["ideas_asked"] = number + 1
            if text in seen:
                yield RunResponse(content=STOP)
            seen.append(text)
            yield RunResponse(content=f"{text}\n")
