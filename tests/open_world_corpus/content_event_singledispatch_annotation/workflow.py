"""Renderer workflow dispatching on the event type."""

import asyncio
import functools
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.run.response import RunResponseContentEvent
from agno.workflow import Workflow


@functools.singledispatch
def render(event: object) -> str:
    return ""


@render.register
def _(event: RunResponseContentEvent) -> str:
    return str(event.content or "").upper()


class Flow(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, topic: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_render_flow(topic)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_render_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        async for event in await self.writer.arun(f"write {topic}", stream=True):
            text = render(event)
            if text:
                yield RunResponse(content=text)
