"""Analyst assistant whose subflows have descriptive names, not _run_*_flow."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class AnalystAssistant(Workflow):
    """Answers questions, researches topics and writes reports."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.answerer = Agent(name="answerer", model=model, telemetry=False, instructions=["Answer briefly."])
        self.researcher = Agent(name="researcher", model=model, telemetry=False, instructions=["List key facts."])
        self.writer = Agent(name="writer", model=model, telemetry=False, instructions=["Write a report."])

    def run(self, request: str, mode: str = "answer") -> Iterator[RunResponse]:
        if mode == "answer":
            yield from asyncio.run(self._collect_async_responses(self._stream_answer(request)))
        elif mode == "research":
            for response in asyncio.run(self._collect_async_responses(self.research(request))):
                yield response
        else:
            report = asyncio.run(self._collect_async_responses(self._write_report(request)))
            yield from report

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _stream_answer(self, question: str) -> AsyncIterator[RunResponse]:
        async for chunk in await self.answerer.arun(question, stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)

    async def research(self, topic: str) -> AsyncIterator[RunResponse]:
        facts = await self.researcher.arun(topic)
        for line in str(facts.content).split(";"):
            yield RunResponse(content=f"* {line.strip()}\n")

    async def _write_report(self, topic: str) -> AsyncIterator[RunResponse]:
        facts = await self.researcher.arun(topic)
        async for chunk in await self.writer.arun(f"Report on {topic}: {facts.content}", stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
