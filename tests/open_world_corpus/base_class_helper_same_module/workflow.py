"""Two support workflows sharing an async-bridging base class."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class AsyncWorkflowBase(Workflow):
    """Base class: lets sync run() methods consume async subflows."""

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected


class FaqBot(AsyncWorkflowBase):
    """Answers frequently asked questions."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.answerer = Agent(name="faq", model=model, telemetry=False, instructions=["Answer the FAQ."])

    def run(self, question: str) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_faq_flow(question)))

    async def _run_faq_flow(self, question: str) -> AsyncIterator[RunResponse]:
        async for chunk in await self.answerer.arun(question, stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)


class RefundDesk(AsyncWorkflowBase):
    """Decides on refund requests."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.judge = Agent(name="judge", model=model, telemetry=False, instructions=["Approve or deny the refund."])

    def run(self, request: str) -> Iterator[RunResponse]:
        decision = asyncio.run(self._collect_async_responses(self._run_refund_flow(request)))
        self.session_state["decisions"] = len(decision)
        yield from decision

    async def _run_refund_flow(self, request: str) -> AsyncIterator[RunResponse]:
        verdict = await self.judge.arun(request)
        yield RunResponse(content=f"Decision: {verdict.content}")
