"""Onboarding checklist runner reporting progress through callbacks."""

import asyncio
from typing import AsyncIterator, Awaitable, Callable, Iterator, List, Optional

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

STEPS = ("account", "laptop", "buddy")


class Onboarding(Workflow):
    """Walks a new hire through the onboarding steps."""

    def __init__(
        self,
        model: Model,
        on_progress: Callable[[int, int], None],
        on_event: Optional[Callable[[str], Awaitable[None]]] = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.guide = Agent(name="guide", model=model, telemetry=False, instructions=["Explain the step."])
        self.on_progress = on_progress
        self.on_event = on_event

    def run(self, hire: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_onboarding_flow(hire)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_onboarding_flow(self, hire: str) -> AsyncIterator[RunResponse]:
        for number, step in enumerate(STEPS, start=1):
            if self.on_event is not None:
                await self.on_event(f"start {step}")
            explanation = await self.guide.arun(f"{step} for {hire}")
            self.on_progress(number, len(STEPS))
            yield RunResponse(content=f"{number}/{len(STEPS)} {explanation.content}\n")
