"""Customer-service router written with structural pattern matching."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class ServiceDesk(Workflow):
    """Routes a request on its intent."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.refunds = Agent(name="refunds", model=model, telemetry=False, instructions=["Handle refunds."])
        self.tracker = Agent(name="tracker", model=model, telemetry=False, instructions=["Track orders."])
        self.triage = Agent(name="triage", model=model, telemetry=False, instructions=["Triage urgent issues."])

    def run(self, intent: str, order: str = "A1") -> Iterator[RunResponse]:
        match intent:
            case "refund":
                responses = asyncio.run(self._collect_async_responses(self._run_refund_flow(order)))
                yield from responses
            case "status" | "where":
                yield from asyncio.run(self._collect_async_responses(self._run_status_flow(order)))
            case str() as other if other.startswith("urgent"):
                answer = asyncio.run(self.triage.arun(f"{other} about {order}"))
                yield RunResponse(content=f"[triage] {answer.content}")
            case _:
                yield RunResponse(content=f"Sorry, I cannot help with {intent!r}.")

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_refund_flow(self, order: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Refund for {order}: ")
        decision = await self.refunds.arun(f"refund {order}")
        self.session_state["refunded"] = order
        yield RunResponse(content=str(decision.content))

    async def _run_status_flow(self, order: str) -> AsyncIterator[RunResponse]:
        async for chunk in await self.tracker.arun(f"status of {order}", stream=True):
            yield RunResponse(content=chunk.content)
