"""Copywriter that loads a shared style guide through a classmethod."""

import asyncio
from typing import AsyncIterator, Dict, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


async def _fetch_style_guide(brand: str) -> Dict[str, str]:
    await asyncio.sleep(0)
    if brand == "unknown":
        raise KeyError(brand)
    return {"tone": "playful" if brand == "acme" else "formal", "brand": brand}


class Copywriter(Workflow):
    """Writes copy in the brand's tone."""

    _guides: Dict[str, Dict[str, str]] = {}

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False, instructions=["Write copy."])

    @classmethod
    def load_style_guide(cls, brand: str) -> Dict[str, str]:
        return asyncio.run(_fetch_style_guide(brand))

    def run(self, brand: str, product: str) -> Iterator[RunResponse]:
        guide = type(self).load_style_guide(brand)
        fallback = Copywriter.load_style_guide("default")
        tone = guide.get("tone", fallback["tone"])
        responses = asyncio.run(self._collect_async_responses(self._run_copy_flow(product, tone)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_copy_flow(self, product: str, tone: str) -> AsyncIterator[RunResponse]:
        copy = await self.writer.arun(f"{tone} copy for {product}")
        yield RunResponse(content=str(copy.content))
