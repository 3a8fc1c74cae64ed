"""Recipe planner: subflows wrapped by an async-generator tracing decorator."""

import asyncio
import functools
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


def traced(step: str):
    """Mark the start and the end of a subflow in session_state (async generators only)."""

    def decorate(flow):
        @functools.wraps(flow)
        async def wrapper(self, *args, **kwargs):
            self.session_state.setdefault("trace", []).append(f"{step}:start")
            async for item in flow(self, *args, **kwargs):
                yield item
            self.session_state["trace"].append(f"{step}:end")

        return wrapper

    return decorate


class RecipePlanner(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.chef = Agent(name="chef", model=model, telemetry=False)

    def run(self, dish: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_recipe_flow(dish)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    @traced("recipe")
    async def _run_recipe_flow(self, dish: str) -> AsyncIterator[RunResponse]:
        answer = await self.chef.arun(f"recipe {dish}")
        yield RunResponse(content=str(answer.content))
