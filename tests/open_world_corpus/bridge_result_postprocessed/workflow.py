"""Keyword extractor: post-processes the collected responses of a subflow."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class KeywordExtractor(Workflow):
    """Extracts keywords per paragraph, then returns them joined and sorted."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.extractor = Agent(name="extractor", model=model, telemetry=False, instructions=["Keywords."])

    def run(self, text: str) -> Iterator[RunResponse]:
        keywords = [r.content for r in asyncio.run(self._collect_async_responses(self._run_extract_flow(text)))]
        self.session_state["paragraphs"] = len(keywords)
        yield RunResponse(content=", ".join(sorted(set(" ".join(keywords).split()))))
        notes = asyncio.run(self._gather_notes(keywords))
        yield RunResponse(content=f" | {len(notes)} notes: {'; '.join(notes)}")

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _gather_notes(self, keywords: List[str]) -> List[str]:
        notes = []
        for word in keywords:
            note = await self.extractor.arun(f"note on {word}")
            notes.append(str(note.content))
        return notes

    async def _run_extract_flow(self, text: str) -> AsyncIterator[RunResponse]:
        for paragraph in text.split("\n\n"):
            answer = await self.extractor.arun(f"keywords of {paragraph}")
            yield RunResponse(content=str(answer.content))
