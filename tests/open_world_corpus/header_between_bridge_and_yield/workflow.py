"""Job matcher: a header with the number of matches, then the matches."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

JOBS = ["python developer", "data engineer", "python trainer", "designer"]


class JobMatcher(Workflow):
    """Finds matching jobs and pitches each."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pitcher = Agent(name="pitcher", model=model, telemetry=False, instructions=["Pitch the job."])

    def run(self, skill: str) -> Iterator[RunResponse]:
        self.session_state["matches"] = 0
        responses = asyncio.run(self._collect_async_responses(self._run_match_flow(skill)))
        yield RunResponse(content=f"{self.session_state['matches']} matches for {skill}:\n")
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_match_flow(self, skill: str) -> AsyncIterator[RunResponse]:
        for job in JOBS:
            if skill in job:
                pitch = await self.pitcher.arun(f"pitch {job}")
                self.session_state["matches"] += 1
                yield RunResponse(content=f"- {pitch.content}\n")
