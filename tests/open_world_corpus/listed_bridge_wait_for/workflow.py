"""Summary workflow: a time-limited agent call inside the subflow, bridged with list(...)."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent
from agno.models.base import Model
from agno.run.response import RunResponse, RunResponseContentEvent
from agno.workflow import Workflow


class Summarizer(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, text: str) -> Iterator[RunResponse]:
        items = list(asyncio.run(self._collect_async_responses(self._run_summary_flow(text))))
        yield from items

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponseContentEvent]) -> List[RunResponseContentEvent]:
        collected: List[RunResponseContentEvent] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_summary_flow(self, text: str) -> AsyncIterator[RunResponseContentEvent]:
        yield RunResponseContentEvent(content="Summary:\n")
        summary = await asyncio.wait_for(self.writer.arun(f"Summarize {text}"), timeout=5)
        yield RunResponseContentEvent(content=str(summary.content))
