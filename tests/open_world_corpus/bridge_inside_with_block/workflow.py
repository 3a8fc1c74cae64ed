"""Researcher whose steps are traced with a sync context manager."""

import asyncio
from contextlib import contextmanager
from typing import AsyncIterator, Dict, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Tracer:
    """Records span events into a dict (e.g. the workflow's session_state)."""

    def __init__(self, sink: Dict) -> None:
        self.sink = sink

    @contextmanager
    def span(self, name: str):
        self.sink.setdefault("trace", []).append(f"open {name}")
        try:
            yield
        except Exception:
            self.sink["trace"].append(f"error {name}")
            raise
        finally:
            self.sink["trace"].append(f"close {name}")


class Researcher(Workflow):
    """Researches a question, tracing each step."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.researcher = Agent(name="researcher", model=model, telemetry=False, instructions=["Research."])
        self.tracer = Tracer(self.session_state)

    def run(self, question: str, quick: bool = False) -> Iterator[RunResponse]:
        self.tracer.sink = self.session_state
        if quick:
            with self.tracer.span("quick"):
                yield from asyncio.run(self._collect_async_responses(self._run_research_flow(question)))
            return
        with self.tracer.span("research"):
            responses = asyncio.run(self._collect_async_responses(self._run_research_flow(question)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_research_flow(self, question: str) -> AsyncIterator[RunResponse]:
        for angle in ("facts", "risks"):
            finding = await self.researcher.arun(f"{angle} of {question}")
            self.session_state.setdefault("trace", []).append(f"found {angle}")
            yield RunResponse(content=f"{angle}: {finding.content}\n")
