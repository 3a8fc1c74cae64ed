"""Trip advisor whose agent has async Toolkit tools."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

from .tools import WeatherTools


class TripAdvisor(Workflow):
    """Advises on a trip using the weather toolkit."""

    def __init__(self, model: Model, tools: WeatherTools, **kwargs) -> None:
        super().__init__(**kwargs)
        self.tools = tools
        self.advisor = Agent(name="advisor", model=model, telemetry=False, tools=[tools],
                             instructions=["Advise on a trip."])

    def run(self, city: str) -> Iterator[RunResponse]:
        forecast = asyncio.run(self.tools.get_forecast(city))
        yield RunResponse(content=f"{forecast}. ")
        responses = asyncio.run(self._collect_async_responses(self._run_advice_flow(city, forecast)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_advice_flow(self, city: str, forecast: str) -> AsyncIterator[RunResponse]:
        advice = await self.advisor.arun(f"trip to {city}, {forecast}")
        yield RunResponse(content=str(advice.content))
