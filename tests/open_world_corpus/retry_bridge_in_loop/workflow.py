"""Digest workflow: the sync entry point retries the whole async flow once when a tool fails."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class FlakyFeed(Exception):
    pass


class Digest(Workflow):
    """Summarises a feed; the first fetch of a 'flaky' feed fails, the retry succeeds."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False, instructions=["Summarise."])
        self.attempts = 0

    def run(self, feed: str) -> Iterator[RunResponse]:
        responses: List[RunResponse] = []
        for attempt in range(2):
            try:
                responses = asyncio.run(self._collect_async_responses(self._run_digest_flow(feed)))
                break
            except FlakyFeed:
                # one retry, then give up politely
                if attempt == 1:
                    yield RunResponse(content=f"{feed}: unavailable")
                    return
        for response in responses:
            yield response

    async def _fetch(self, feed: str) -> str:
        await asyncio.sleep(0)
        self.attempts += 1
        if feed == "flaky" and self.attempts == 1:
            raise FlakyFeed(feed)
        if feed == "down":
            raise FlakyFeed(feed)
        return f"items of {feed}"

    async def _run_digest_flow(self, feed: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Digest of {feed}:")
        items = await self._fetch(feed)
        summary = await self.writer.arun(f"Summarise {items}")
        yield RunResponse(content=summary.content)

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected
