"""Code reviewer: stops early on an empty diff, always records the review in finally."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class CodeReviewer(Workflow):
    """Reviews a diff file by file."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.reviewer = Agent(name="reviewer", model=model, telemetry=False, instructions=["Review."])

    def run(self, diff: str, max_files: int = 5) -> Iterator[RunResponse]:
        if not diff.strip():
            yield RunResponse(content="nothing to review")
            return
        try:
            responses = asyncio.run(self._collect_async_responses(self._run_review_flow(diff, max_files)))
            yield from responses
        finally:
            self.session_state["reviews"] = self.session_state.get("reviews", 0) + 1

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_review_flow(self, diff: str, max_files: int) -> AsyncIterator[RunResponse]:
        reviewed: List[str] = []
        try:
            for number, name in enumerate(diff.split()):
                if number >= max_files:
                    yield RunResponse(content="(truncated)\n")
                    return
                if name.endswith(".lock"):
                    continue
                try:
                    note = await self.reviewer.arun(f"review {name}")
                finally:
                    reviewed.append(name)
                yield RunResponse(content=f"{name}: {note.content}\n")
        finally:
            self.session_state["reviewed"] = reviewed
