"""Glossary workflow whose subflow is a classmethod using a class-level template."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Glossary(Workflow):
    prefix: str = "Term"

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, terms: List[str], *, numbered: bool = False) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_glossary_flow(self.writer, terms, numbered)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    @classmethod
    async def _run_glossary_flow(cls, writer: Agent, terms: List[str], numbered: bool) -> AsyncIterator[RunResponse]:
        for i, term in enumerate(terms, 1):
            answer = await writer.arun(f"define {term}")
            label = f"{i}. " if numbered else ""
            yield RunResponse(content=f"{label}{cls.prefix} {term}: {answer.content}\n")


class ShortGlossary(Glossary):
    prefix = "Short"
