"""Trip planner: fetches forecasts with an async client, then writes advice."""

import asyncio
from typing import Dict, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

from .tools import WeatherClient, WeatherUnavailable


class TripPlanner(Workflow):
    """Plans what to pack for a multi-city trip."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.weather = WeatherClient()
        self.advisor = Agent(name="advisor", model=model, telemetry=False,
                             instructions=["Say what to pack given the forecasts."])

    def run(self, cities: str) -> Iterator[RunResponse]:
        names = [c.strip() for c in cities.split(",") if c.strip()]
        try:
            forecasts = asyncio.run(self.fetch_forecasts(names))
        except WeatherUnavailable as exc:
            yield RunResponse(content=f"Sorry: {exc}")
            return
        for city, forecast in forecasts.items():
            yield RunResponse(content=f"{city}: {forecast}\n")
        advice = asyncio.run(self.advisor.arun("; ".join(f"{c} {f}" for c, f in forecasts.items())))
        yield RunResponse(content=str(advice.content))

    async def fetch_forecasts(self, cities: List[str]) -> Dict[str, str]:
        forecasts: Dict[str, str] = {}
        for city in cities:
            forecasts[city] = await self.weather.forecast(city)
        return forecasts
