"""Digest workflow; its module is also where the package's other modules get their item types."""

from __future__ import annotations

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.run.response import RunResponseContentEvent
from agno.workflow import Workflow

__all__ = ["Digest", "RunResponse", "RunResponseContentEvent"]


class Digest(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.editor = Agent(name="editor", model=model, telemetry=False)

    def run(self, topic: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_digest_flow(topic)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponseContentEvent]) -> List[RunResponseContentEvent]:
        collected: List[RunResponseContentEvent] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_digest_flow(self, topic: str) -> AsyncIterator[RunResponseContentEvent]:
        answer = await self.editor.arun(f"digest {topic}")
        yield RunResponseContentEvent(content=str(answer.content))
