"""Progress workflow: one status response object is updated and re-yielded as work advances."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


def make_status() -> RunResponse:
    return RunResponse(content="")


def advance(status: RunResponse, text: str) -> RunResponse:
    status.content = text
    return status


class Progress(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, topics: List[str]) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_progress_flow(topics)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_progress_flow(self, topics: List[str]) -> AsyncIterator[RunResponse]:
        status = make_status()
        for i, topic in enumerate(topics):
            answer = await self.writer.arun(f"summarise {topic}")
            yield advance(status, f"[{i + 1}/{len(topics)}] {answer.content}\n")
