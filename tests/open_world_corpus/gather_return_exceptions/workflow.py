"""Due-diligence workflow: asks several specialist agents in parallel, tolerating failures."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

SPECIALISTS = ("legal", "finance", "tech")


class DueDiligence(Workflow):
    """Each specialist reviews the company; failed reviews are reported, not fatal."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.specialists = {
            area: Agent(name=area, model=model, telemetry=False, instructions=[f"Review the {area} risks."])
            for area in SPECIALISTS
        }

    def run(self, company: str) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_review_flow(company)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_review_flow(self, company: str) -> AsyncIterator[RunResponse]:
        results = await asyncio.gather(
            *(agent.arun(f"{area} review of {company}") for area, agent in self.specialists.items()),
            return_exceptions=True,
        )
        failed = 0
        for area, result in zip(self.specialists, results):
            if isinstance(result, Exception):
                failed += 1
                yield RunResponse(content=f"{area}: unavailable ({type(result).__name__})\n")
            else:
                yield RunResponse(content=f"{area}: {result.content}\n")
        self.session_state["failed_reviews"] = failed
