"""Recipe assistant with a small cache object whose sync getter runs a loop."""

import asyncio
from typing import AsyncIterator, Dict, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class PantryCache:
    """Caches pantry contents fetched by an async loader."""

    def __init__(self) -> None:
        self._items: Dict[str, List[str]] = {}

    async def _load(self, user: str) -> List[str]:
        await asyncio.sleep(0)
        if user == "nobody":
            raise KeyError(user)
        return ["eggs", "flour"] if user == "ann" else ["rice"]

    def items(self, user: str) -> List[str]:
        if user not in self._items:
            self._items[user] = asyncio.run(self._load(user))
        return self._items[user]


class RecipeAssistant(Workflow):
    """Suggests a recipe from what the user has at home."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pantry = PantryCache()
        self.chef = Agent(name="chef", model=model, telemetry=False, instructions=["Suggest a recipe."])

    def run(self, user: str) -> Iterator[RunResponse]:
        items = self.pantry.items(user)
        responses = asyncio.run(self._collect_async_responses(self._run_recipe_flow(items)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_recipe_flow(self, items: List[str]) -> AsyncIterator[RunResponse]:
        answer = await self.chef.arun("Cook with " + " and ".join(items))
        yield RunResponse(content=str(answer.content))
