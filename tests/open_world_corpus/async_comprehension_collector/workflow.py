"""Recipe assistant with a one-line async collector."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class RecipeAssistant(Workflow):
    """Suggests a dish for the ingredients, then streams the recipe."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.chef = Agent(name="chef", model=model, telemetry=False,
                          instructions=["Suggest one dish for the ingredients."])
        self.writer = Agent(name="writer", model=model, telemetry=False,
                            instructions=["Write the recipe step by step."])

    def run(self, ingredients: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._drain(self._run_recipe_flow(ingredients)))
        yield from responses

    async def _drain(self, gen: AsyncIterator[RunResponse]) -> List[RunResponse]:
        return [r async for r in gen]

    async def _run_recipe_flow(self, ingredients: str) -> AsyncIterator[RunResponse]:
        dish = await self.chef.arun(ingredients)
        self.session_state["dish"] = dish.content
        async for chunk in await self.writer.arun(f"Recipe for {dish.content}", stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
