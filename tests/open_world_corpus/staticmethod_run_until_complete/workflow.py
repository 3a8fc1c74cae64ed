"""Headline writer with a static helper that drives coroutines to completion."""

import asyncio
from typing import Any, Coroutine, Iterator, TypeVar

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

T = TypeVar("T")


class HeadlineWriter(Workflow):
    """Writes headlines; uses a static sync helper for async agent calls."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.editor = Agent(name="editor", model=model, telemetry=False, instructions=["Write a headline."])

    @staticmethod
    def _wait(coro: Coroutine[Any, Any, T]) -> T:
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(coro)
        finally:
            loop.close()

    @classmethod
    def style(cls, text: str) -> str:
        return text.upper()

    def run(self, story: str) -> Iterator[RunResponse]:
        draft = self._wait(self.editor.arun(f"headline for {story}"))
        yield RunResponse(content=self.style(str(draft.content)))
        tagline = HeadlineWriter._wait(self.editor.arun(f"tagline for {story}"))
        yield RunResponse(content=f" - {tagline.content}")
