"""Explainer built from small sync generator helpers around one async subflow."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Explainer(Workflow):
    """Explains a topic with a header and a footer listing the sources."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.teacher = Agent(name="teacher", model=model, telemetry=False, instructions=["Explain simply."])

    def _header(self, topic: str) -> Iterator[RunResponse]:
        yield RunResponse(content=f"# {topic.title()}\n")
        if len(topic) > 10:
            yield RunResponse(content="(long topic, short answer)\n")

    def _footer(self, sources: List[str]) -> Iterator[RunResponse]:
        for number, source in enumerate(sources, start=1):
            yield RunResponse(content=f"[{number}] {source}\n")

    def run(self, topic: str) -> Iterator[RunResponse]:
        yield from self._header(topic)
        responses = asyncio.run(self._collect_async_responses(self._run_explain_flow(topic)))
        yield from responses
        yield from self._footer(self.session_state.get("sources", []))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_explain_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        explanation = await self.teacher.arun(f"explain {topic}")
        self.session_state["sources"] = [f"{topic} primer", "encyclopedia"]
        yield RunResponse(content=f"{explanation.content}\n")
