"""Blog outline workflow: the team wrote arun() first and bolted run() on."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class OutlineWriter(Workflow):
    """Streams a blog outline; arun() is the real implementation."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.outliner = Agent(name="outliner", model=model, telemetry=False,
                              instructions=["Write a blog outline for the topic."])

    def run(self, topic: str) -> Iterator[RunResponse]:
        """Sync entry point for scripts and notebooks."""
        responses = asyncio.run(self._collect_async_responses(self.arun(topic=topic)))
        yield from responses

    async def arun(self, topic: str) -> AsyncIterator[RunResponse]:
        self.session_state.setdefault("topics", []).append(topic)
        yield RunResponse(content=f"Outline: {topic}\n")
        async for chunk in await self.outliner.arun(topic, stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected
