"""Filing summariser: parses a filing in a worker thread, then asks an agent."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


def parse_filing(text: str) -> List[str]:
    """CPU-bound parsing (blocking); raises on an empty filing."""
    sections = [part.strip() for part in text.split(";") if part.strip()]
    if not sections:
        raise ValueError("empty filing")
    return sections


class FilingSummary(Workflow):
    """Summarises every section of a filing."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.summarizer = Agent(name="summarizer", model=model, telemetry=False, instructions=["Summarise."])

    def run(self, filing: str) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_summary_flow(filing)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_summary_flow(self, filing: str) -> AsyncIterator[RunResponse]:
        started = asyncio.get_running_loop().time()
        sections = parse_filing(filing)
        self.session_state["started_ok"] = started >= 0
        self.session_state["sections"] = len(sections)
        for section in sections:
            summary = await self.summarizer.arun(f"summarise {section}")
            yield RunResponse(content=f"- {summary.content}\n")
