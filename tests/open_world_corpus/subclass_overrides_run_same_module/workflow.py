"""Newsletter writer, and a branded variant that wraps the base run()."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class NewsletterWriter(Workflow):
    """Writes a short newsletter on a topic."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False, instructions=["Write a newsletter."])

    def run(self, topic: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_write_flow(topic)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_write_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        async for chunk in await self.writer.arun(f"Newsletter about {topic}", stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)


class BrandedNewsletter(NewsletterWriter):
    """Same newsletter with a header and a footer, and a counter in session_state."""

    def run(self, topic: str) -> Iterator[RunResponse]:
        self.session_state["issues"] = self.session_state.get("issues", 0) + 1
        yield RunResponse(content="ACME WEEKLY\n")
        yield from super().run(topic)
        yield RunResponse(content="\n-- unsubscribe")
