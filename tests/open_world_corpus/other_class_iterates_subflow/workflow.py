"""Customer-chat workflow plus the HTTP service class that streams it (SSE)."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class ChatFlow(Workflow):
    """Greets, then answers."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.agent = Agent(name="chat", model=model, telemetry=False, instructions=["Answer the customer."])

    def run(self, message: str) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_chat_flow(message)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_chat_flow(self, message: str) -> AsyncIterator[RunResponse]:
        async for chunk in await self.agent.arun(message, stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)


class ChatService:
    """Server-sent-events endpoint: one event per chunk."""

    def __init__(self, flow: ChatFlow) -> None:
        self.flow = flow

    async def events(self, message: str) -> AsyncIterator[str]:
        async for response in self.flow._run_chat_flow(message):
            yield f"data: {response.content}\n\n"

    async def handle(self, message: str) -> List[str]:
        return [event async for event in self.events(message)]
