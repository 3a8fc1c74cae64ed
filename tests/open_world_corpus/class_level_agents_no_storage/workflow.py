"""Cookbook-style workflow: agents are class attributes, no storage configured."""

import asyncio
from typing import AsyncIterator, Iterator, List, Optional

from agno.agent import Agent, RunResponse
from agno.workflow import Workflow


class HaikuWorkflow(Workflow):
    """Writes a haiku about a subject, after choosing a season word."""

    description: str = "Writes haiku."

    season_picker: Agent = Agent(name="season", telemetry=False, instructions=["Pick a season word."])
    poet: Agent = Agent(name="poet", telemetry=False, instructions=["Write a haiku."])

    def run(self, subject: str, season: Optional[str] = None) -> Iterator[RunResponse]:
        self.session_state["runs"] = self.session_state.get("runs", 0) + 1
        responses = asyncio.run(self._collect_async_responses(self._run_haiku_flow(subject, season)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_haiku_flow(self, subject: str, season: Optional[str]) -> AsyncIterator[RunResponse]:
        if season is None:
            season = str((await self.season_picker.arun(subject)).content)
        async for chunk in await self.poet.arun(f"{season} haiku about {subject}", stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
