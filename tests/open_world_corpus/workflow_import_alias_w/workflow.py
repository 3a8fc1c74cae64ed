"""Poem workflow importing Workflow under a short alias."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent
from agno.models.base import Model
from agno.run.response import RunResponse
from agno.workflow.workflow import Workflow as W


class PoemFlow(W):
    """Writes a poem line by line."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.poet = Agent(name="poet", model=model, telemetry=False, instructions=["Write one line."])

    def run(self, theme: str, lines: int = 2) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_poem_flow(theme, lines)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_poem_flow(self, theme: str, lines: int) -> AsyncIterator[RunResponse]:
        for number in range(lines):
            line = await self.poet.arun(f"line {number} about {theme}")
            yield RunResponse(content=f"{line.content}\n")
