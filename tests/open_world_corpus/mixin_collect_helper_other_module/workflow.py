"""Two workflows sharing a mixin's collect helper."""

import asyncio
from typing import AsyncIterator, Iterator

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

from .mixins import StreamingMixin


class Digest(StreamingMixin, Workflow):
    """A daily digest of one topic."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.editor = Agent(name="editor", model=model, telemetry=False, instructions=["Write a digest."])

    def run(self, topic: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_digest_flow(topic)))
        yield from responses

    async def _run_digest_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        digest = await self.editor.arun(f"digest of {topic}")
        yield RunResponse(content=self.render(topic.title(), str(digest.content)))


class Alerts(StreamingMixin, Workflow):
    """Alerts for several keywords."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.watcher = Agent(name="watcher", model=model, telemetry=False, instructions=["Raise an alert."])

    def run(self, keywords: str) -> Iterator[RunResponse]:
        for response in asyncio.run(self._collect_async_responses(self._run_alerts_flow(keywords))):
            yield response

    async def _run_alerts_flow(self, keywords: str) -> AsyncIterator[RunResponse]:
        for keyword in keywords.split(","):
            alert = await self.watcher.arun(f"alert for {keyword.strip()}")
            self.session_state.setdefault("alerts", []).append(keyword.strip())
            yield RunResponse(content=f"! {alert.content}\n")
