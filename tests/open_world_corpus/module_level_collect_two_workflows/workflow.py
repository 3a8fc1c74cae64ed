"""Two workflows sharing one module-level collect helper."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


async def collect(responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
    """Drain an async generator of responses (shared by every workflow here)."""
    return [response async for response in responses]


class Summarizer(Workflow):
    """Summarises a text."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.agent = Agent(name="summarizer", model=model, telemetry=False, instructions=["Summarise."])

    def run(self, text: str) -> Iterator[RunResponse]:
        yield from asyncio.run(collect(self._run_summary_flow(text)))

    async def _run_summary_flow(self, text: str) -> AsyncIterator[RunResponse]:
        async for chunk in await self.agent.arun(f"summary: {text}", stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)


class Critic(Workflow):
    """Critiques a text in two passes."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.agent = Agent(name="critic", model=model, telemetry=False, instructions=["Critique."])

    def run(self, text: str) -> Iterator[RunResponse]:
        for response in asyncio.run(collect(self._run_critique_flow(text))):
            yield response

    async def _run_critique_flow(self, text: str) -> AsyncIterator[RunResponse]:
        for aspect in ("style", "facts"):
            note = await self.agent.arun(f"{aspect} of {text}")
            self.session_state.setdefault("aspects", []).append(aspect)
            yield RunResponse(content=f"{aspect}: {note.content}\n")
