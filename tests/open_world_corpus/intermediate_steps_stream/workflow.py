"""Streams an agent with stream_intermediate_steps and forwards only content."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.run.response import RunEvent
from agno.workflow import Workflow


class StepStreamer(Workflow):
    """Forwards content chunks and counts the other events in session_state."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.agent = Agent(name="explainer", model=model, telemetry=False, instructions=["Explain."])

    def run(self, question: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_explain_flow(question)))
        yield from responses
        yield RunResponse(content=f"\n[{self.session_state.get('other_events', 0)} other events]")

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_explain_flow(self, question: str) -> AsyncIterator[RunResponse]:
        stream = await self.agent.arun(question, stream=True, stream_intermediate_steps=True)
        async for event in stream:
            if event.event == RunEvent.run_response_content.value and event.content:
                yield RunResponse(content=event.content)
            else:
                self.session_state["other_events"] = self.session_state.get("other_events", 0) + 1
