"""Compliance screen: any screener may halt the whole workflow with a BaseException signal."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class HaltWorkflow(BaseException):
    """Control-flow signal: deliberately not an Exception, so broad `except Exception` handlers skip it."""


async def screen(name: str) -> str:
    await asyncio.sleep(0)
    if name.startswith("sanctioned"):
        raise HaltWorkflow(f"{name} is on a sanctions list")
    return f"{name}: clear"


class Screen(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, names: List[str]) -> Iterator[RunResponse]:
        try:
            responses = asyncio.run(self._collect_async_responses(self._run_screen_flow(names)))
        except HaltWorkflow as halt:
            yield RunResponse(content=f"halted: {halt}")
            return
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_screen_flow(self, names: List[str]) -> AsyncIterator[RunResponse]:
        results = await asyncio.gather(*(screen(n) for n in names))
        answer = await self.writer.arun("summarise " + "; ".join(results))
        yield RunResponse(content=str(answer.content))
