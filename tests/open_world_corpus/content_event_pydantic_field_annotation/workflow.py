"""Transcript workflow buffering the agent's stream in a pydantic model."""

import asyncio
from typing import AsyncIterator, Iterator, List

from pydantic import BaseModel, ConfigDict

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.run.response import RunResponseContentEvent
from agno.workflow import Workflow


class Transcript(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    topic: str
    chunks: List[RunResponseContentEvent] = []

    def text(self) -> str:
        return "".join(str(chunk.content) for chunk in self.chunks)


class Flow(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, topic: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_transcript_flow(topic)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_transcript_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        events = [event async for event in await self.writer.arun(f"write {topic}", stream=True) if event.content]
        transcript = Transcript(topic=topic, chunks=events)
        self.session_state["chunks"] = len(transcript.chunks)
        yield RunResponse(content=transcript.text())
