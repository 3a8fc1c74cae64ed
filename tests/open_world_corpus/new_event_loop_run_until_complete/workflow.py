"""Research desk: answers a question with a streamed brief.

Written before the team learned about asyncio.run: the sync entry point
drives the async subflow on a private event loop it creates and closes.
"""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class ResearchDesk(Workflow):
    """Plans search queries, then streams a short research brief."""

    description: str = "Streams research briefs."

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.planner = Agent(name="planner", model=model, telemetry=False,
                             instructions=["List the search queries for the question, one per line."])
        self.writer = Agent(name="writer", model=model, telemetry=False,
                            instructions=["Write a research brief from the plan."])

    def run(self, question: str) -> Iterator[RunResponse]:
        loop = asyncio.new_event_loop()
        try:
            responses = loop.run_until_complete(self._collect_async_responses(self._run_research_flow(question)))
        finally:
            loop.close()
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_research_flow(self, question: str) -> AsyncIterator[RunResponse]:
        plan = await self.planner.arun(question)
        yield RunResponse(content=f"Plan: {plan.content}\n")
        async for chunk in await self.writer.arun(f"Question: {question}\nPlan: {plan.content}", stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
