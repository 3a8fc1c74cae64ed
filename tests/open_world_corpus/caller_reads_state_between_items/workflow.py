"""Report workflow recording its progress in session_state."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Flow(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, topic: str) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_report_flow(topic)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_report_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        for step, word in enumerate(topic.split(), 1):
            self.session_state["step"] = step
            answer = await self.writer.arun(f"write {word}")
            yield RunResponse(content=str(answer.content))
