"""Research workflow: every answer carries the sources gathered so far."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.models.message import MessageReferences
from agno.run.response import RunResponseExtraData
from agno.workflow import Workflow


class Research(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, topics: List[str]) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_research_flow(topics)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_research_flow(self, topics: List[str]) -> AsyncIterator[RunResponse]:
        sources: List[MessageReferences] = []
        for topic in topics:
            answer = await self.writer.arun(f"summarise {topic}")
            sources.append(MessageReferences(query=topic))
            yield RunResponse(content=f"{answer.content}\n", extra_data=RunResponseExtraData(references=sources))
