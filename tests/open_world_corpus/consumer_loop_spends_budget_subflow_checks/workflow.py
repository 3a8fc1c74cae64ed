"""Digest workflow with a token budget: run() charges each item, the subflow stops when the budget is gone."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Budget:
    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._spent = 0

    def charge(self, amount: int) -> None:
        self._spent += amount

    def exhausted(self) -> bool:
        return self._spent >= self._limit


class Digest(Workflow):
    def __init__(self, model: Model, limit: int = 1000, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)
        self.budget = Budget(limit)

    def run(self, topics: List[str]) -> Iterator[RunResponse]:
        for response in asyncio.run(self._collect_async_responses(self._run_digest_flow(topics))):
            self.budget.charge(len(response.content or ""))
            yield response

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_digest_flow(self, topics: List[str]) -> AsyncIterator[RunResponse]:
        for topic in topics:
            if self.budget.exhausted():
                yield RunResponse(content="(budget exhausted)\n")
                return
            answer = await self.writer.arun(f"summarise {topic}")
            yield RunResponse(content=f"{answer.content}\n")
