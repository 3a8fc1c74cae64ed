"""Premium report: same workflow, richer streamed report flow."""

from typing import AsyncIterator

from agno.agent import RunResponse

from .workflow import BasicReport


class PremiumReport(BasicReport):
    """Adds a header and streams the report."""

    async def _run_report_flow(self, company: str) -> AsyncIterator[RunResponse]:
        summary = await self.writer.arun(f"Premium summary of {company}")
        yield RunResponse(content=f"PREMIUM: {summary.content}\n")
        async for chunk in await self.writer.arun(f"Premium report on {company}", stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
