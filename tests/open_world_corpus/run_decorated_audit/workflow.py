"""Support desk: run() is wrapped by an audit decorator that counts the items a run produced."""

import asyncio
import functools
from typing import AsyncIterator, Callable, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


def audited(method: Callable[..., Iterator[RunResponse]]) -> Callable[..., Iterator[RunResponse]]:
    """Record how many items a run yielded (a sync generator wrapper)."""

    @functools.wraps(method)
    def wrapper(self: "SupportDesk", *args, **kwargs) -> Iterator[RunResponse]:
        shown = 0
        for item in method(self, *args, **kwargs):
            shown += 1
            yield item
        self.session_state["audit"] = self.session_state.get("audit", []) + [shown]

    return wrapper


class SupportDesk(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.helper = Agent(name="helper", model=model, telemetry=False)

    @audited
    def run(self, ticket: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_ticket_flow(ticket)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_ticket_flow(self, ticket: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Ticket {ticket}: ")
        answer = await self.helper.arun(f"help {ticket}")
        yield RunResponse(content=str(answer.content))
