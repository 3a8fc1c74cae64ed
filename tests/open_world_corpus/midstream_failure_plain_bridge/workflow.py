"""Travel itinerary workflow, spelled exactly like the canonical legacy pattern."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class ItineraryPlanner(Workflow):
    """Streams a day-by-day itinerary after announcing the destination."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.planner = Agent(name="planner", model=model, telemetry=False, instructions=["Plan the trip."])

    def run(self, destination: str, days: int = 2) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_itinerary_flow(destination, days)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_itinerary_flow(self, destination: str, days: int) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Trip to {destination}\n")
        for day in range(1, days + 1):
            plan = await self.planner.arun(f"Day {day} in {destination}")
            yield RunResponse(content=f"Day {day}: {plan.content}\n")
