"""Concrete greeter: mixin + base workflow from sibling modules."""

import asyncio
from typing import AsyncIterator, Iterator

from agno.agent import Agent
from agno.models.base import Model
from agno.run.response import RunResponse

from .base import BaseFlow
from .mixins import ProfileMixin


class Greeter(ProfileMixin, BaseFlow):
    """Greets a user according to their profile."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.host = Agent(name="host", model=model, telemetry=False, instructions=["Greet warmly."])

    def run(self, user: str) -> Iterator[RunResponse]:
        profile = self.fetch_profile(user)
        self.session_state["tier"] = profile["tier"]
        responses = asyncio.run(self._collect_async_responses(self._run_greet_flow(profile)))
        yield from responses

    async def _run_greet_flow(self, profile: dict) -> AsyncIterator[RunResponse]:
        async for chunk in await self.host.arun(f"greet {profile['name']} ({profile['tier']})", stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
