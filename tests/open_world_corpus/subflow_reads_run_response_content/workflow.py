"""Newsletter workflow: the closing line is written from what the run produced so far."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Newsletter(Workflow):
    """Writes sections, then a sign-off based on self.run_response.content."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, topics: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_newsletter_flow(topics)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_newsletter_flow(self, topics: str) -> AsyncIterator[RunResponse]:
        for topic in topics.split(","):
            section = await self.writer.arun(f"section on {topic.strip()}")
            yield RunResponse(content=f"{section.content}\n")
        so_far = self.run_response.content if self.run_response is not None else None
        yield RunResponse(content=f"-- {len(so_far or '')} chars before sign-off")
