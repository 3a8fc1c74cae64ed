"""Weather report: the canonical bridge, written with unusual formatting."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.run.response import RunResponseContentEvent
from agno.workflow import Workflow


class WeatherReport(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.forecaster = Agent(name="forecaster", model=model, telemetry=False)

    def run(self, city: str) -> Iterator[RunResponse]:
        # collect everything first -- city
        responses = asyncio.run(self._collect_async_responses(self._run_weather_flow(city)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponseContentEvent]) -> List[RunResponseContentEvent]:
        collected: List[RunResponseContentEvent] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_weather_flow(self, city: str) -> AsyncIterator[RunResponseContentEvent]:
        yield RunResponseContentEvent(content=f"Weather for {city} (city): ")
        answer = await self.forecaster.arun(f"forecast {city}")
        yield RunResponseContentEvent(content=str(answer.content))
