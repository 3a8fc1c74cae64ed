"""Page summariser: crawls a page with an async crawler, then summarises it."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

from .crawler import AsyncWebCrawler


class PageSummary(Workflow):
    """Summarises a web page."""

    def __init__(self, model: Model, crawler: AsyncWebCrawler, **kwargs) -> None:
        super().__init__(**kwargs)
        self.crawler = crawler
        self.summarizer = Agent(name="summarizer", model=model, telemetry=False, instructions=["Summarise."])

    def run(self, url: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_summary_flow(url)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_summary_flow(self, url: str) -> AsyncIterator[RunResponse]:
        page = await self.crawler.arun(url=url)
        self.session_state["crawled"] = page.url
        summary = await self.summarizer.arun(f"summarise: {page.markdown}")
        yield RunResponse(content=str(summary.content))
