"""Triage workflow: a sync tracing helper tags notes with the running task's name."""

import asyncio
from typing import AsyncGenerator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Triage(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.triager = Agent(name="triager", model=model, telemetry=False)

    def run(self, report: str) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_triage_flow(report)))

    async def _collect_async_responses(self, responses: AsyncGenerator[RunResponse, None]) -> List[RunResponse]:
        return [response async for response in responses]

    def _traced(self, text: str) -> str:
        task = asyncio.current_task()
        return f"{text} [in task: {task is not None}]"

    async def _run_triage_flow(self, report: str) -> AsyncGenerator[RunResponse, None]:
        if (verdict := await self.triager.arun(f"triage {report}")).content:
            yield RunResponse(content=self._traced(str(verdict.content)))
