"""Briefing workflow: a warm-up coroutine, run with asyncio.run, kicks off a prefetch task."""

import asyncio
import time
from typing import Iterator

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Briefing(Workflow):
    """Warms up a cache, then briefs."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.briefer = Agent(name="briefer", model=model, telemetry=False)

    async def _prefetch(self, topic: str) -> None:
        await asyncio.sleep(0.001)
        self.session_state["prefetched"] = topic

    async def _warm_up(self, topic: str) -> str:
        asyncio.ensure_future(self._prefetch(topic))  # best effort, not awaited
        return f"warming {topic}"

    def run(self, topic: str) -> Iterator[RunResponse]:
        status = asyncio.run(self._warm_up(topic))
        yield RunResponse(content=f"{status}\n")
        time.sleep(0.02)  # stay under the provider's rate limit
        brief = self.briefer.run(f"brief on {topic}")
        yield RunResponse(content=f"{brief.content} [cache: {self.session_state.get('prefetched', 'cold')}]")
