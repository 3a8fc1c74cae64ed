"""Legal-clause explainer built on the shared BaseAssistant."""

import asyncio
from typing import AsyncIterator, Iterator

from agno.agent import Agent
from agno.models.base import Model
from agno.run.response import RunResponse

from .base import BaseAssistant


class ClauseExplainer(BaseAssistant):
    """Explains a contract clause in plain language."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lawyer = Agent(name="lawyer", model=model, telemetry=False,
                            instructions=["Explain the clause in plain language."])

    def run(self, clause: str) -> Iterator[RunResponse]:
        yield self.banner()
        responses = asyncio.run(self._collect_async_responses(self._run_explain_flow(clause)))
        yield from responses

    async def _run_explain_flow(self, clause: str) -> AsyncIterator[RunResponse]:
        async for chunk in await self.lawyer.arun(clause, stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
