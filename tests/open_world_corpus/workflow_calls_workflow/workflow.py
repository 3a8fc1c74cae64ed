"""A blog pipeline that delegates research to a separate research workflow."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Researcher(Workflow):
    """Collects facts; falls back to a canned answer when the agent fails."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.searcher = Agent(name="searcher", model=model, telemetry=False, instructions=["List facts."])

    def run(self, topic: str) -> Iterator[RunResponse]:
        try:
            responses = asyncio.run(self._collect_async_responses(self._run_search_flow(topic)))
        except Exception as exc:
            yield RunResponse(content=f"(no facts: {exc})")
            return
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_search_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        facts = await self.searcher.arun(f"facts about {topic}")
        yield RunResponse(content=str(facts.content))


class BlogPipeline(Workflow):
    """Researches with the Researcher workflow, then writes the post."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.research = Researcher(model=model, telemetry=False)
        self.writer = Agent(name="writer", model=model, telemetry=False, instructions=["Write a post."])

    def run(self, topic: str) -> Iterator[RunResponse]:
        facts = "".join(str(r.content) for r in self.research.run(topic=topic))
        self.session_state["facts"] = facts
        responses = asyncio.run(self._collect_async_responses(self._run_write_flow(topic, facts)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_write_flow(self, topic: str, facts: str) -> AsyncIterator[RunResponse]:
        async for chunk in await self.writer.arun(f"post on {topic} using {facts}", stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
