"""FAQ bot: run() delegates to a sync generator helper that bridges to async code."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class FaqBot(Workflow):
    """Answers questions, one helper per step."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.answerer = Agent(name="answerer", model=model, telemetry=False, instructions=["Answer briefly."])

    def run(self, question: str) -> Iterator[RunResponse]:
        self.session_state["asked"] = self.session_state.get("asked", 0) + 1
        yield from self._answer(question)
        yield RunResponse(content="\n(ask another question any time)")

    def _answer(self, question: str) -> Iterator[RunResponse]:
        if not question.strip():
            yield RunResponse(content="Please ask something.")
            return
        yield from asyncio.run(self._collect_async_responses(self._run_answer_flow(question)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_answer_flow(self, question: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content="Q: " + question + "\n")
        answer = await self.answerer.arun(question)
        yield RunResponse(content="A: " + str(answer.content))
