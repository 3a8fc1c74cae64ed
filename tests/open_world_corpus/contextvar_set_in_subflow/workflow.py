"""Support replier that tracks the reply language in a context variable."""

import asyncio
from contextvars import ContextVar
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

reply_language: ContextVar[str] = ContextVar("reply_language", default="en")


class SupportReplier(Workflow):
    """Answers a ticket in the customer's language."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.replier = Agent(name="replier", model=model, telemetry=False, instructions=["Answer the ticket."])

    def run(self, ticket: str) -> Iterator[RunResponse]:
        reply_language.set("en")
        responses = asyncio.run(self._collect_async_responses(self._run_reply_flow(ticket)))
        yield from responses
        yield RunResponse(content=f"\n-- signed ({reply_language.get()})")

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_reply_flow(self, ticket: str) -> AsyncIterator[RunResponse]:
        if ticket.startswith("bonjour"):
            reply_language.set("fr")
        answer = await self.replier.arun(f"[{reply_language.get()}] {ticket}")
        yield RunResponse(content=str(answer.content))
