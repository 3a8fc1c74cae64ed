"""Audited changelog: hides blank lines and counts what was shown."""

from typing import AsyncIterator, List

from agno.agent import RunResponse

from .workflow import ChangelogWriter


class AuditedChangelog(ChangelogWriter):
    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        shown = [r for r in await super()._collect_async_responses(responses) if r.content]
        self.session_state["shown"] = len(shown)
        return shown
