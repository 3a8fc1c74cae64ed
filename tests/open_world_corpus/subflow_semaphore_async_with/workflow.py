"""Batch translator limited to one concurrent model call."""

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class BatchTranslator(Workflow):
    """Translates several lines, one model call at a time."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.translator = Agent(name="translator", model=model, telemetry=False, instructions=["Translate."])
        self._limit = asyncio.Semaphore(1)

    @asynccontextmanager
    async def _timed(self, label: str):
        self.session_state.setdefault("started", []).append(label)
        try:
            yield
        finally:
            self.session_state.setdefault("finished", []).append(label)

    def run(self, lines: str) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_translate_flow(lines)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_translate_flow(self, lines: str) -> AsyncIterator[RunResponse]:
        for number, line in enumerate(lines.split("|"), start=1):
            async with self._timed(f"line {number}"):
                async with self._limit:
                    translated = await self.translator.arun(line.strip())
            yield RunResponse(content=f"{number}. {translated.content}\n")
