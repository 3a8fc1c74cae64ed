from typing import AsyncIterator

from agno.agent import RunResponse

from ..agents import build_writer  # noqa: F401  (kept for the type of self.writer)


class ReportFlows:
    async def _run_report_flow(self, topic: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=f"Report on {topic}: ")
        if topic == "BAD":
            raise ValueError("bad topic")
        answer = await self.writer.arun(f"write {topic}")  # type: ignore[attr-defined]
        yield RunResponse(content=str(answer.content))
