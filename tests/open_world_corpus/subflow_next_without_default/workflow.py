"""Routing workflow: picks the specialist by name with next() (no default)."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Router(Workflow):
    """Routes a question to the named specialist."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.specialists = [
            Agent(name=name, model=model, telemetry=False, instructions=[f"You are the {name} expert."])
            for name in ("tax", "law")
        ]

    def run(self, area: str, question: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_route_flow(area, question)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_route_flow(self, area: str, question: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"routing to {area}\n")
        specialist = next(agent for agent in self.specialists if agent.name == area)
        answer = await specialist.arun(question)
        yield RunResponse(content=str(answer.content))
