"""Interview prep: asks an expert agent each question, then streams a study plan."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class InterviewPrep(Workflow):
    """Answers practice questions and writes a study plan."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.expert = Agent(name="expert", model=model, telemetry=False,
                            instructions=["Answer the interview question briefly."])
        self.coach = Agent(name="coach", model=model, telemetry=False,
                           instructions=["Write a study plan from the answers."])

    def run(self, role: str, questions: str) -> Iterator[RunResponse]:
        answers = [asyncio.run(self.expert.arun(f"[{role}] {q.strip()}")).content for q in questions.split(";")]
        yield RunResponse(content=f"{len(answers)} answers ready\n")
        yield from [r for r in asyncio.run(self._collect_async_responses(self._run_plan_flow(role, answers)))]

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_plan_flow(self, role: str, answers: List[object]) -> AsyncIterator[RunResponse]:
        notes = "\n".join(str(a) for a in answers)
        async for chunk in await self.coach.arun(f"Plan for {role}:\n{notes}", stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
