"""Meeting notes: streams the notes, then records how many there were."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class MeetingNotes(Workflow):
    """Turns a transcript into action items."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.notetaker = Agent(name="notetaker", model=model, telemetry=False, instructions=["Extract action items."])

    def run(self, transcript: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_notes_flow(transcript)))
        yield from responses
        self.session_state["last_count"] = len(responses)
        yield RunResponse(content=f"({len(responses)} items, last: {responses[-1].content.strip()})")

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_notes_flow(self, transcript: str) -> AsyncIterator[RunResponse]:
        for line in transcript.split("."):
            if line.strip():
                item = await self.notetaker.arun(line.strip())
                yield RunResponse(content=f"* {item.content}\n")
