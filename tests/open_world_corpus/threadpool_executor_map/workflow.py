"""Sales forecast per region, fanned out with executor.map."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class RegionalForecast(Workflow):
    """Forecasts sales for every region in parallel, then scores them."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.forecaster = Agent(name="forecaster", model=model, telemetry=False, instructions=["Forecast sales."])

    def _ask(self, region: str) -> str:
        answer = asyncio.run(self.forecaster.arun(f"forecast {region}"))
        return str(answer.content)

    async def _score(self, region: str) -> int:
        await asyncio.sleep(0)
        if region == "mars":
            raise ValueError("no sales data for mars")
        return len(region)

    def run(self, regions: str) -> Iterator[RunResponse]:
        names = [name.strip() for name in regions.split(",")]
        with ThreadPoolExecutor(max_workers=3) as pool:
            forecasts = list(pool.map(self._ask, names))
        with ThreadPoolExecutor(max_workers=3) as pool:
            scores = list(pool.map(lambda r: asyncio.run(self._score(r)), names))
        self.session_state["regions"] = names
        for name, forecast, score in zip(names, forecasts, scores):
            yield RunResponse(content=f"{name} ({score}): {forecast}\n")
