"""Dashboard workflow: yields typed responses (JSON cards, markdown) for a UI."""

import asyncio
import json
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent
from agno.models.base import Model
from agno.run.response import RunEvent, RunResponse, RunResponseContentEvent
from agno.workflow import Workflow


class Dashboard(Workflow):
    """Builds a metrics card and a commentary for the UI."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.commentator = Agent(name="commentator", model=model, telemetry=False, instructions=["Comment."])

    def run(self, metric: str, value: float) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_dashboard_flow(metric, value)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponseContentEvent]) -> List[RunResponseContentEvent]:
        collected: List[RunResponseContentEvent] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_dashboard_flow(self, metric: str, value: float) -> AsyncIterator[RunResponseContentEvent]:
        card = json.dumps({"metric": metric, "value": value})
        yield RunResponse(content=card, content_type="json", created_at=0)
        yield RunResponseContentEvent(content=f"## {metric}\n", content_type="markdown", event=RunEvent.run_response_content.value)
        async for chunk in await self.commentator.arun(f"{metric} is {value}", stream=True):
            if chunk.content:
                yield RunResponseContentEvent(content=chunk.content, thinking=None, content_type="markdown")
