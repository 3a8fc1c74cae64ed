"""Typed report workflow: a generic base and a subscripted concrete class."""

import asyncio
from typing import Any, AsyncIterator, Generic, Iterator, List, Protocol, TypeVar

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

T = TypeVar("T")


class SupportsArun(Protocol):
    async def arun(self, message: str, **kwargs: Any) -> Any: ...


class TypedFlow(Workflow, Generic[T]):
    writer: SupportsArun

    def parse(self, topic: str) -> T:
        raise NotImplementedError

    def run(self, topic: str) -> Iterator[RunResponse]:
        parsed = self.parse(topic)
        responses = asyncio.run(self._collect_async_responses(self._run_report_flow(parsed)))  # type: ignore[attr-defined]
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected


class Flow(TypedFlow[str]):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def parse(self, topic: str) -> str:
        return topic.strip().lower()

    async def _run_report_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Report on {topic}: ")
        answer = await self.writer.arun(f"write {topic}")
        yield RunResponse(content=str(answer.content))
