"""FAQ workflow: answers several questions at once, then streams a digest."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent
from agno.models.base import Model
from agno.run.response import RunResponse
from agno.workflow import Workflow


class FaqDigest(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.answerer = Agent(name="answerer", model=model, telemetry=False)
        self.editor = Agent(name="editor", model=model, telemetry=False)

    def run(self, questions: List[str]) -> Iterator[RunResponse]:
        # Answer every question concurrently, from sync code.
        answers = asyncio.run(self._answer_all(questions))
        self.session_state["answered"] = len(answers)
        for chunk in asyncio.run(self._drain(self.write_digest(answers))):
            yield chunk

    async def _answer_all(self, questions: List[str]) -> List[str]:
        replies = await asyncio.gather(*[self.answerer.arun(q) for q in questions])
        return [str(r.content) for r in replies]

    async def _drain(self, stream: AsyncIterator[RunResponse]) -> List[RunResponse]:
        return [item async for item in stream]

    async def write_digest(self, answers: List[str]) -> AsyncIterator[RunResponse]:
        async for chunk in await self.editor.arun("Digest: " + " / ".join(answers), stream=True):
            if chunk.content:
                yield RunResponse(content=chunk.content)
