"""Report workflow that holds a rate-limit lease (an async context manager) while it writes."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

LEASES: List[str] = []


class Lease:
    def __init__(self, name: str) -> None:
        self.name = name

    async def __aenter__(self) -> "Lease":
        await asyncio.sleep(0)
        LEASES.append(f"acquire {self.name}")
        return self

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        await asyncio.sleep(0)
        LEASES.append(f"release {self.name} ({exc_type.__name__ if exc_type else 'ok'})")
        return False


class Report(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, topic: str) -> Iterator[RunResponse]:
        LEASES.clear()
        for response in asyncio.run(self._collect_async_responses(self._run_report_flow(topic))):
            yield response

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_report_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        async with Lease(topic) as lease:
            yield RunResponse(content=f"[{lease.name}] ")
            answer = await self.writer.arun(f"write {topic}")
            yield RunResponse(content=str(answer.content))
        yield RunResponse(content=f" | {'; '.join(LEASES)}")
