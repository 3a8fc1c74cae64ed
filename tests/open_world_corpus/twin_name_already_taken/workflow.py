"""Weekly report whose data fetcher happens to be called _arun_report_flow."""

import asyncio
from typing import AsyncIterator, Dict, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class WeeklyReport(Workflow):
    """Fetches the week's numbers and writes a report."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.reporter = Agent(name="reporter", model=model, telemetry=False, instructions=["Write a report."])

    def run(self, team: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_report_flow(team)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _arun_report_flow(self, team: str) -> Dict[str, int]:
        """Async fetch of the numbers the report flow needs."""
        await asyncio.sleep(0)
        if team == "ghost":
            raise LookupError(f"no team {team}")
        return {"tickets": len(team) * 3, "releases": len(team)}

    async def _run_report_flow(self, team: str) -> AsyncIterator[RunResponse]:
        numbers = await self._arun_report_flow(team)
        self.session_state["numbers"] = numbers
        report = await self.reporter.arun(f"report for {team}: {numbers['tickets']} tickets")
        yield RunResponse(content=str(report.content))
