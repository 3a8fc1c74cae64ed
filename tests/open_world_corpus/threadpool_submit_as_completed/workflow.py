"""Report workflow."""

from concurrent.futures import ThreadPoolExecutor, as_completed

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class ToolError(Exception):
    pass


async def fetch_figure(topic: str) -> int:
    await asyncio.sleep(0)
    if topic == "BAD":
        raise ToolError(f"no figure for {topic}")
    return len(topic)


class Flow(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, topic: str) -> Iterator[RunResponse]:
        figures = {}
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = {pool.submit(asyncio.run, fetch_figure(part)): part for part in topic.split()}
            for future in as_completed(futures):
                figures[futures[future]] = future.result()
        yield RunResponse(content=f"figures {sorted(figures.items())}")
        responses = asyncio.run(self._collect_async_responses(self._run_report_flow(topic)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_report_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Report on {topic}: ")
        figure = await fetch_figure(topic)
        answer = await self.writer.arun(f"write {topic}")
        yield RunResponse(content=f"{figure} {answer.content}")
