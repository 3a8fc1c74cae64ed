"""Travel budget planner: converts a budget, then asks an agent for a plan."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

from . import rates


class BudgetPlanner(Workflow):
    """Plans a trip within a budget converted to local currencies."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.planner = Agent(name="planner", model=model, telemetry=False, instructions=["Plan a trip."])

    def run(self, budget: float, currency: str = "USD") -> Iterator[RunResponse]:
        table = rates.get_rates(currency)
        converted = ", ".join(f"{budget * r:.0f} {c}" for c, r in sorted(table.items()))
        self.session_state["converted"] = converted
        responses = asyncio.run(self._collect_async_responses(self._run_plan_flow(converted)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_plan_flow(self, converted: str) -> AsyncIterator[RunResponse]:
        async for chunk in await self.planner.arun(f"Trip for {converted}", stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
