"""Real-estate scout: cookbook-style class-level agent with an async search tool."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.workflow import Workflow


async def search_listings(city: str) -> str:
    """Search the listings of a city.

    Args:
        city: the city
    """
    await asyncio.sleep(0)
    return f"3 flats in {city}"


class HouseHunter(Workflow):
    description: str = "Finds listings and writes a shortlist."

    def __init__(self, model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.scout: Agent = Agent(name="scout", model=model, telemetry=False, tools=[search_listings])

    def run(self, city: str) -> Iterator[RunResponse]:
        yield RunResponse(content=f"Homes in {city}\n")
        responses = asyncio.run(self._collect_async_responses(self._run_shortlist_flow(city)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_shortlist_flow(self, city: str) -> AsyncIterator[RunResponse]:
        shortlist = await self.scout.arun(f"shortlist in {city}")
        self.session_state["city"] = city
        yield RunResponse(content=str(shortlist.content))
