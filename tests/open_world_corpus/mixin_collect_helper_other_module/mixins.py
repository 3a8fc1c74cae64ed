"""Helpers shared by the workflows of this package."""

from typing import AsyncIterator, List

from agno.agent import RunResponse


class StreamingMixin:
    """Adds the async-to-sync collection helper to a workflow."""

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    def render(self, title: str, body: str) -> str:
        return f"## {title}\n{body}\n"
