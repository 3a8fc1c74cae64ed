"""Step-by-step guide whose steps are numbered from what has been shown."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Flow(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def run(self, topic: str) -> Iterator[RunResponse]:
        self.session_state["shown"] = 0
        shown: List[str] = []
        for response in asyncio.run(self._collect_async_responses(self._run_steps_flow(topic, shown))):
            self.session_state["shown"] += 1
            shown.append(str(response.content))
            yield response

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_steps_flow(self, topic: str, shown: List[str]) -> AsyncIterator[RunResponse]:
        for word in topic.split():
            answer = await self.writer.arun(f"step {word}")
            yield RunResponse(content=f"[{self.session_state['shown']}/{len(shown)}] {answer.content}\n")
