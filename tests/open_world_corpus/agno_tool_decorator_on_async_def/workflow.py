"""Pricing workflow: the agent's tool is an async def under agno's @tool decorator."""

import asyncio
from typing import Iterator

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.tools import tool
from agno.workflow import Workflow


@tool(name="price_of", description="Price of a product")
async def price_of(product: str) -> str:
    await asyncio.sleep(0)
    return f"{product} costs {len(product)} EUR"


class Pricing(Workflow):
    """Quotes a product price."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.quoter = Agent(name="quoter", model=model, telemetry=False, tools=[price_of])

    def run(self, product: str) -> Iterator[RunResponse]:
        quote = asyncio.run(self.quoter.arun(f"price {product}"))
        yield RunResponse(content=str(quote.content))
