"""Report workflow assembled from a flows sub-package."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

from .agents import build_writer
from .flows import ReportFlows


class Flow(ReportFlows, Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = build_writer(model)

    def run(self, topic: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_report_flow(topic)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected
