"""Report writer: outline and section subflows that recurse into each other."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class ReportWriter(Workflow):
    """Writes a nested report from a slash-separated outline."""

    def __init__(self, model: Model, max_depth: int = 2, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False, instructions=["Write one paragraph."])
        self.max_depth = max_depth

    def run(self, outline: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_outline_flow(outline, 0)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_outline_flow(self, outline: str, depth: int) -> AsyncIterator[RunResponse]:
        for heading in outline.split("/", 1)[:1]:
            async for item in self._run_section_flow(heading, outline.split("/", 1)[1:], depth):
                yield item

    async def _run_section_flow(self, heading: str, rest: List[str], depth: int) -> AsyncIterator[RunResponse]:
        text = await self.writer.arun(f"write {heading}")
        self.session_state.setdefault("written", []).append(heading)
        yield RunResponse(content=f"{'#' * (depth + 1)} {heading}\n{text.content}\n")
        if rest and depth < self.max_depth:
            async for item in self._run_outline_flow(rest[0], depth + 1):
                yield item
