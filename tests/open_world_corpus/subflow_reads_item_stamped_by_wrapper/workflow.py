"""Ticket workflow: the footer quotes the run id stamped on the header item."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Ticket(Workflow):
    """Writes a header, the answer, and a footer referring to the header."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.agent = Agent(name="agent", model=model, telemetry=False)

    def run(self, issue: str) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_ticket_flow(issue)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_ticket_flow(self, issue: str) -> AsyncIterator[RunResponse]:
        header = RunResponse(content=f"Ticket: {issue}\n")
        yield header
        answer = await self.agent.arun(issue)
        yield RunResponse(content=f"{answer.content}\n")
        yield RunResponse(content=f"header tracked: {header.run_id is not None}")
