"""Travel planner: a team of a flights agent and a hotels agent, coordinated by a leader."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.team import Team
from agno.workflow import Workflow


class TravelPlanner(Workflow):
    """Plans a trip with a coordinated team; `brief` streams the leader's answer."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        flights = Agent(name="flights", role="Finds flights", model=model, telemetry=False)
        hotels = Agent(name="hotels", role="Finds hotels", model=model, telemetry=False)
        self.team = Team(
            name="planners",
            mode="coordinate",
            members=[flights, hotels],
            model=model,
            telemetry=False,
            instructions=["Plan the trip with your members."],
        )

    def run(self, city: str, brief: bool = False) -> Iterator[RunResponse]:
        if brief:
            for response in asyncio.run(self._collect_async_responses(self._run_brief_flow(city))):
                yield response
        else:
            yield from asyncio.run(self._collect_async_responses(self._run_plan_flow(city)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_plan_flow(self, city: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Planning {city}\n")
        plan = await self.team.arun(f"plan a weekend in {city}")
        self.session_state["planned"] = city
        yield RunResponse(content=str(plan.content))

    async def _run_brief_flow(self, city: str) -> AsyncIterator[RunResponse]:
        async for chunk in await self.team.arun(f"one-line brief for {city}", stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
