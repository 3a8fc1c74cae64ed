"""Gate desk: the agent's tool is a bound workflow method that records into session_state."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class GateDesk(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.desk = Agent(name="desk", model=model, tools=[self.lookup_gate], telemetry=False)

    def lookup_gate(self, flight: str) -> str:
        """Look up the departure gate of a flight."""
        gate = f"b{len(flight)}"
        self.session_state.setdefault("gates", {})[flight] = gate
        return f"gate of {flight} is {gate}"

    def run(self, flight: str) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_gate_flow(flight)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_gate_flow(self, flight: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Looking up {flight}... ")
        answer = await self.desk.arun(f"where is {flight}")
        yield RunResponse(content=str(answer.content))
