"""Podcast show-notes workflow, also served over a websocket.

The websocket handler (``stream_show_notes``) iterates the async subflow
directly so listeners see notes as they are written.
"""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class ShowNotes(Workflow):
    """Writes show notes for a podcast episode transcript."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="notes", model=model, telemetry=False, instructions=["Write show notes."])

    def run(self, transcript: str) -> Iterator[RunResponse]:
        notes = asyncio.run(self._collect_async_responses(self._run_notes_flow(transcript)))
        yield from notes

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_notes_flow(self, transcript: str) -> AsyncIterator[RunResponse]:
        async for chunk in await self.writer.arun(transcript, stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)


async def stream_show_notes(workflow: ShowNotes, transcript: str) -> List[str]:
    """Websocket handler body: forward each chunk as it arrives."""
    sent: List[str] = []
    async for response in workflow._run_notes_flow(transcript):
        sent.append(str(response.content))
    return sent
