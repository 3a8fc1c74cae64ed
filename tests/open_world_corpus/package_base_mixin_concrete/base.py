"""Base workflow of the package."""

from typing import AsyncIterator, List

from agno.run.response import RunResponse
from agno.workflow import Workflow


class BaseFlow(Workflow):
    """Shared plumbing for all our flows."""

    description: str = "base flow"

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected
