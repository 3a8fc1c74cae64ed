"""Paper digest: a summary and keywords in parallel, with a TaskGroup (Python 3.11)."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class PaperDigest(Workflow):
    """Summarises a paper and extracts keywords concurrently."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.summarizer = Agent(name="summarizer", model=model, telemetry=False, instructions=["Summarise."])
        self.tagger = Agent(name="tagger", model=model, telemetry=False, instructions=["Extract keywords."])

    def run(self, title: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_digest_flow(title)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_digest_flow(self, title: str) -> AsyncIterator[RunResponse]:
        failures = 0
        try:
            async with asyncio.TaskGroup() as tg:
                summary = tg.create_task(self.summarizer.arun(f"summary of {title}"))
                keywords = tg.create_task(self.tagger.arun(f"keywords of {title}"))
        except* Exception as group:
            failures = len(group.exceptions)
        if failures:
            self.session_state["failures"] = failures
            yield RunResponse(content=f"{failures} of 2 steps failed for {title}")
            return
        yield RunResponse(content=f"{summary.result().content}\n")
        yield RunResponse(content=f"keywords: {keywords.result().content}")
