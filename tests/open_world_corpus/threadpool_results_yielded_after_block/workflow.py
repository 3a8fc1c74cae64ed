"""Competitor scan: fetches each competitor's page in a thread, one loop each."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, Iterator

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

PAGES: Dict[str, str] = {"acme": "Acme sells anvils", "globex": "Globex sells everything"}


class PageNotFound(Exception):
    pass


async def fetch_page(name: str) -> str:
    await asyncio.sleep(0.01 * len(name))
    if name not in PAGES:
        raise PageNotFound(f"{name}: 404")
    return PAGES[name]


class CompetitorScan(Workflow):
    """Summarises every competitor's home page."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.analyst = Agent(name="analyst", model=model, telemetry=False, instructions=["Summarise the page."])

    def run(self, competitors: str) -> Iterator[RunResponse]:
        names = [n.strip() for n in competitors.split(",")]
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(asyncio.run, fetch_page(name)) for name in names]
        for name, future in zip(names, futures):
            page = future.result()
            summary = self.analyst.run(page, stream=False)
            yield RunResponse(content=f"{name}: {summary.content}\n")
