"""Report workflow with comments inside the rewritten calls."""

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
        title = asyncio.run(
            self.writer.arun(
                f"title {topic}",  # TITLE-PROMPT: keep this prompt short
            )
        )  # TITLE-CALL
        yield RunResponse(content=f"# {title.content}\n")
        responses = asyncio.run(  # BRIDGE-OPEN: collect the report
            self._collect_async_responses(
                # SUBFLOW-ARG: the report flow
                self._run_report_flow(topic, extra_context="a very long extra context string that makes this line exceed one hundred and twenty characters")
            )
        )  # noqa: E501 BRIDGE-CLOSE
        yield \
            from responses  # YIELD-FROM

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_report_flow(self, topic: str, extra_context: str = "") -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Report on {topic} ({len(extra_context)}): ")  # FIRST-ITEM
        answer = await self.writer.arun(  # WRITER-CALL
            f"write {topic}"
        )
        yield RunResponse(content=str(answer.content))
