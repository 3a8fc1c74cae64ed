"""Research workflow: an async source lookup schedules a background audit task."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Research(Workflow):
    """Looks sources up, then writes; lookups are audited in the background."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False, instructions=["Write it up."])
        self.auditor = Agent(name="auditor", model=model, telemetry=False, instructions=["Audit."])

    def run(self, topic: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_research_flow(topic)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _audit(self, topic: str) -> None:
        await asyncio.sleep(0.001)
        await self.auditor.arun(f"audit {topic}")

    async def _lookup_sources(self, topic: str) -> List[str]:
        # fire and forget: the audit finishes while the flow goes on
        asyncio.ensure_future(self._audit(topic))
        return [f"{topic}-wiki", f"{topic}-news"]

    async def _run_research_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        sources = await self._lookup_sources(topic)
        yield RunResponse(content=f"sources: {', '.join(sources)}\n")
        await asyncio.sleep(0.01)
        answer = await self.writer.arun(f"write about {topic}")
        last = self.auditor.run_response
        audited = last.content if last is not None else "not yet"
        yield RunResponse(content=f"{answer.content} (audited: {audited})")
