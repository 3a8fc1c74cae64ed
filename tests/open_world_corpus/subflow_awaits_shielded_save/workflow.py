"""Newsletter drafter that shields the save of its draft from cancellation."""

import asyncio
from typing import AsyncIterator, Dict, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

DRAFTS: Dict[str, str] = {}


class NewsletterDrafter(Workflow):
    """Drafts a newsletter and saves the draft."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False, instructions=["Write a newsletter."])

    def run(self, topic: str) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_draft_flow(topic)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _save(self, topic: str, text: str) -> int:
        await asyncio.sleep(0)
        DRAFTS[topic] = text
        return len(text)

    async def _run_draft_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        draft = await self.writer.arun(f"newsletter on {topic}")
        text = str(draft.content)
        size = await asyncio.shield(self._save(topic, text))
        self.session_state["saved_chars"] = size
        yield RunResponse(content=text)
