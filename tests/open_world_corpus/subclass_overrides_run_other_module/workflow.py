"""Product FAQ workflow (the base other teams subclass)."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class ProductFaq(Workflow):
    """Answers product questions."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.expert = Agent(name="expert", model=model, telemetry=False, instructions=["Answer product questions."])

    def run(self, question: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_answer_flow(question)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_answer_flow(self, question: str) -> AsyncIterator[RunResponse]:
        answer = await self.expert.arun(question)
        yield RunResponse(content=str(answer.content))
