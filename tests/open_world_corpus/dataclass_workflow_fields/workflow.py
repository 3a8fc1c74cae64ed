"""Press-release writer declared as a dataclass, the way agno declares Workflow."""

import asyncio
from dataclasses import dataclass
from typing import AsyncIterator, ClassVar, Iterator, List, Tuple

from agno.agent import Agent, RunResponse
from agno.workflow import Workflow


@dataclass(init=False)
class PressRelease(Workflow):
    description: str = "Writes press releases."
    tone: str = "neutral"
    max_points: int = 2
    banned_words: Tuple[str, ...] = ("revolutionary",)
    writer: ClassVar[Agent] = Agent(name="writer", telemetry=False, instructions=["Write press copy."])

    def __post_init__(self) -> None:
        super().__post_init__()
        self.banned_words = list(self.banned_words)

    def run(self, product: str, points: bool = True) -> Iterator[RunResponse]:
        headline = asyncio.run(self.writer.arun(f"{self.tone} headline for {product}"))
        yield RunResponse(content=f"{headline.content}\n")
        if points:
            for response in asyncio.run(self._collect_async_responses(self._run_points_flow(product))):
                yield response
        else:
            responses = asyncio.run(self._collect_async_responses(self._run_quote_flow(product)))
            yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_points_flow(self, product: str) -> AsyncIterator[RunResponse]:
        for number in range(1, self.max_points + 1):
            point = await self.writer.arun(f"point {number} about {product}")
            text = str(point.content)
            for word in self.banned_words:
                text = text.replace(word, "***")
            yield RunResponse(content=f"- {text}\n")

    async def _run_quote_flow(self, product: str) -> AsyncIterator[RunResponse]:
        quote = await self.writer.arun(f"CEO quote on {product}")
        self.session_state["quoted"] = product
        yield RunResponse(content=f'"{quote.content}"')
