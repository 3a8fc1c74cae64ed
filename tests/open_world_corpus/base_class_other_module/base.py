"""Shared base for all our assistants."""

from typing import AsyncIterator, List

from agno.run.response import RunResponse
from agno.workflow import Workflow


class BaseAssistant(Workflow):
    """Common plumbing: sync code consumes async subflows through this helper."""

    description: str = "Base assistant"

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    def banner(self) -> RunResponse:
        return RunResponse(content=f"[{self.name}] ")
