"""Quiz master: streams questions, tagging each with the running score kept in session_state."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class QuizMaster(Workflow):
    """Asks quiz questions on a topic and keeps score across runs."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.asker = Agent(name="asker", model=model, telemetry=False, instructions=["Ask one quiz question."])

    def run(self, topic: str, rounds: int = 3) -> Iterator[RunResponse]:
        self.session_state.setdefault("asked", 0)
        responses = asyncio.run(self._collect_async_responses(self._run_quiz_flow(topic, rounds)))
        for response in responses:
            yield RunResponse(content=f"{response.content} [asked so far: {self.session_state['asked']}]\n")

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_quiz_flow(self, topic: str, rounds: int) -> AsyncIterator[RunResponse]:
        for number in range(1, rounds + 1):
            question = await self.asker.arun(f"Question {number} about {topic}")
            self.session_state["asked"] += 1
            self.session_state.setdefault("history", []).append(str(question.content))
            yield RunResponse(content=f"Q{number}: {question.content}")
