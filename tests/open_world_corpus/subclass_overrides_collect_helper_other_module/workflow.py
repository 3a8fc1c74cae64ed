"""Changelog writer; teams subclass it to audit what it shows."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class ChangelogWriter(Workflow):
    """Writes one changelog line per commit."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False, instructions=["One changelog line."])

    def run(self, commits: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_changelog_flow(commits)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_changelog_flow(self, commits: str) -> AsyncIterator[RunResponse]:
        for commit in commits.split(";"):
            if not commit.strip():
                yield RunResponse(content="")
                continue
            line = await self.writer.arun(commit.strip())
            yield RunResponse(content=f"- {line.content}\n")
