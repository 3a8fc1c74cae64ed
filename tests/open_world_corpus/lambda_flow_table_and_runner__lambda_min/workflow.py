"""Debate coach: pros, cons or both, picked from a lambda table."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class DebateCoach(Workflow):
    """Argues one side of a motion, or both."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.debater = Agent(name="debater", model=model, telemetry=False, instructions=["Argue."])
        self._flows = {
            "pros": lambda topic: self._run_pros_flow(topic),
            "cons": lambda topic: self._run_cons_flow(topic),
        }

    def run(self, topic: str, side: str = "pros") -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._flows[side](topic)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_pros_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        argument = await self.debater.arun(f"for {topic}")
        self.session_state["argued"] = self.session_state.get("argued", 0) + 1
        yield RunResponse(content=f"PRO: {argument.content}\n")

    async def _run_cons_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        argument = await self.debater.arun(f"against {topic}")
        self.session_state["argued"] = self.session_state.get("argued", 0) + 1
        yield RunResponse(content=f"CON: {argument.content}\n")
