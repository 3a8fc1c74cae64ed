"""Release-notes writer. Imports asyncio.run under a project-specific name."""

from asyncio import run as run_sync
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent
from agno.models.base import Model
from agno.run.response import RunResponse
from agno.workflow import Workflow


async def gather_stream(stream: AsyncIterator[RunResponse]) -> List[RunResponse]:
    """Drain an async stream into a list."""
    items: List[RunResponse] = []
    async for item in stream:
        items.append(item)
    return items


class ReleaseNotes(Workflow):
    """Turns a list of merged PR titles into release notes."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.editor = Agent(name="editor", model=model, telemetry=False,
                            instructions=["Group the changes into Features and Fixes."])

    def run(self, changes: str, version: str = "1.0.0") -> Iterator[RunResponse]:
        yield RunResponse(content=f"# Release {version}\n")
        for item in run_sync(gather_stream(self._write_notes(changes))):
            yield item

    async def _write_notes(self, changes: str) -> AsyncIterator[RunResponse]:
        async for chunk in await self.editor.arun(changes, stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
