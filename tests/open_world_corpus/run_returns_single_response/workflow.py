"""Contract summariser whose run() returns one RunResponse (no streaming)."""

import asyncio
from typing import List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class ContractSummary(Workflow):
    """Summarises each clause, then the whole contract; returns one response."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.clerk = Agent(name="clerk", model=model, telemetry=False, instructions=["Summarise."])

    def run(self, contract: str) -> RunResponse:
        summaries = asyncio.run(self._summarize_clauses(contract.split(".")))
        self.session_state["clauses"] = len(summaries)
        overall = asyncio.run(self.clerk.arun(" ".join(summaries)))
        return RunResponse(content=f"{overall.content} ({len(summaries)} clauses)")

    async def _summarize_clauses(self, clauses: List[str]) -> List[str]:
        results = await asyncio.gather(*(self.clerk.arun(c.strip()) for c in clauses if c.strip()))
        return [str(r.content) for r in results]
