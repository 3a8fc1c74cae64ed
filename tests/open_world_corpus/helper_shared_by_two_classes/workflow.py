"""News desk: a headline workflow and a digest workflow share a module-level collector."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


async def collect_responses(responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
    collected: List[RunResponse] = []
    async for response in responses:
        collected.append(response)
    return collected


class HeadlineWriter(Workflow):
    """Writes a headline for a story."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.editor = Agent(name="editor", model=model, telemetry=False, instructions=["Write a headline."])

    def run(self, story: str) -> Iterator[RunResponse]:
        yield from asyncio.run(collect_responses(self._run_headline_flow(story)))

    async def _run_headline_flow(self, story: str) -> AsyncIterator[RunResponse]:
        headline = await self.editor.arun(story)
        yield RunResponse(content=str(headline.content).upper())


class DigestWriter(Workflow):
    """Writes a numbered digest of several stories."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.editor = Agent(name="editor", model=model, telemetry=False, instructions=["Write a headline."])

    def run(self, stories: str) -> Iterator[RunResponse]:
        collected = asyncio.run(collect_responses(self._run_digest_flow(stories)))
        yield RunResponse(content=f"{len(collected)} stories\n")
        for index, response in enumerate(collected, 1):
            yield RunResponse(content=f"{index}. {response.content}\n")

    async def _run_digest_flow(self, stories: str) -> AsyncIterator[RunResponse]:
        for story in stories.split("|"):
            headline = await self.editor.arun(story.strip())
            yield RunResponse(content=str(headline.content))
