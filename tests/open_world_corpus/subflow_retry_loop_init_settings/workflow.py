"""Headline writer that retries a flaky model."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class HeadlineWriter(Workflow):
    """Writes a headline, retrying on model errors."""

    def __init__(self, model: Model, max_attempts: int = 3, backoff: float = 0.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False, instructions=["Write a headline."])
        self.max_attempts = max_attempts
        self.backoff = backoff

    def run(self, story: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_headline_flow(story)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_headline_flow(self, story: str) -> AsyncIterator[RunResponse]:
        for attempt in range(1, self.max_attempts + 1):
            self.session_state["attempts"] = attempt
            try:
                headline = await self.writer.arun(f"headline for {story}")
            except Exception as exc:  # provider errors: retry
                yield RunResponse(content=f"attempt {attempt} failed: {exc}\n")
                await asyncio.sleep(self.backoff * attempt)
                continue
            yield RunResponse(content=str(headline.content))
            return
        yield RunResponse(content="giving up")
