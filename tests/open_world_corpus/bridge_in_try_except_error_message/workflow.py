"""Code-review bot: never crashes, reports failures as a message instead."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class CodeReviewBot(Workflow):
    """Summarises a diff, then streams review comments."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.summarizer = Agent(name="summarizer", model=model, telemetry=False, instructions=["Summarise the diff."])
        self.reviewer = Agent(name="reviewer", model=model, telemetry=False, instructions=["Review the diff."])

    def run(self, diff: str) -> Iterator[RunResponse]:
        try:
            responses = asyncio.run(self._collect_async_responses(self._run_review_flow(diff)))
        except Exception as exc:
            yield RunResponse(content=f"Review failed: {exc}")
            return
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_review_flow(self, diff: str) -> AsyncIterator[RunResponse]:
        summary = await self.summarizer.arun(diff)
        yield RunResponse(content=f"Summary: {summary.content}\n")
        async for chunk in await self.reviewer.arun(f"Review: {diff}", stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
