"""Report workflow: bridge loop spellings."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class ToolError(Exception):
    pass


class Flow(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_report_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        for word in topic.split():
            if word == "BAD":
                raise ToolError("bad word")
            answer = await self.writer.arun(f"write {word}")
            yield RunResponse(content=str(answer.content))

    def run(self, topic: str) -> Iterator[RunResponse]:
        for number, response in enumerate(asyncio.run(self._collect_async_responses(self._run_report_flow(topic))), 1):
            yield RunResponse(content=f"{number}. {response.content}\n")
        else:
            yield RunResponse(content="(end of list)\n")
        try:
            for response in asyncio.run(self._collect_async_responses(self._run_report_flow(topic + " BAD"))):
                yield response
        except* ToolError as group:
            yield RunResponse(content=f"second pass failed: {len(group.exceptions)} error(s)")
