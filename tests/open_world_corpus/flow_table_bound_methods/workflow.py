"""Support desk: routes a ticket through a table of subflows built in __init__."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class SupportDesk(Workflow):
    """Routes tickets to the billing or tech subflow through a dispatch table."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.billing = Agent(name="billing", model=model, telemetry=False, instructions=["Billing help."])
        self.tech = Agent(name="tech", model=model, telemetry=False, instructions=["Tech help."])
        self._flows = {"billing": self._run_billing_flow, "tech": self._run_tech_flow}

    def run(self, ticket: str, category: str = "billing") -> Iterator[RunResponse]:
        yield RunResponse(content=f"ticket ({category}): ")
        responses = asyncio.run(self._collect_async_responses(self._flows[category](ticket)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_billing_flow(self, ticket: str) -> AsyncIterator[RunResponse]:
        answer = await self.billing.arun(ticket)
        yield RunResponse(content=f"[billing] {answer.content}")

    async def _run_tech_flow(self, ticket: str) -> AsyncIterator[RunResponse]:
        async for chunk in await self.tech.arun(ticket, stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
