"""Quiz generator whose run() takes keyword-only arguments with defaults."""

import asyncio
from typing import AsyncIterator, Iterator, List, Optional

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class QuizGenerator(Workflow):
    """Generates a quiz; everything is keyword-only."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.author = Agent(name="author", model=model, telemetry=False, instructions=["Write questions."])

    def run(self, *, subject: str, count: int = 2, level: Optional[str] = None, **extra: str) -> Iterator[RunResponse]:
        label = level or "easy"
        self.session_state["last"] = {"subject": subject, "level": label, **extra}
        responses = asyncio.run(self._collect_async_responses(self._run_quiz_flow(subject, count=count, level=label)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_quiz_flow(self, subject: str, *, count: int, level: str = "easy") -> AsyncIterator[RunResponse]:
        for number in range(1, count + 1):
            question = await self.author.arun(f"{level} question {number} on {subject}")
            yield RunResponse(content=f"{number}. {question.content}\n")
