"""Quote bot: a module-level alias of the agent event type is used both to build items and to filter a stream."""

import asyncio
from typing import AsyncIterator, Iterator, List, Union

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.run import response as r
from agno.workflow import Workflow

Chunk = r.RunResponseContentEvent
Item = Union[RunResponse, r.RunResponseContentEvent]
CONTENT_TYPES = (r.RunResponseContentEvent,)


class QuoteBot(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.quoter = Agent(name="quoter", model=model, telemetry=False)

    def run(self, person: str) -> Iterator[Item]:
        yield from asyncio.run(self._collect_async_responses(self._run_quote_flow(person)))

    async def _collect_async_responses(self, responses: AsyncIterator[Item]) -> List[Item]:
        return [x async for x in responses]

    async def _run_quote_flow(self, person: str) -> AsyncIterator[Item]:
        kept = 0
        async for event in await self.quoter.arun(f"quote {person}", stream=True):
            if isinstance(event, CONTENT_TYPES) and event.content:
                kept += 1
                yield Chunk(content=event.content)
        self.session_state["kept"] = kept
