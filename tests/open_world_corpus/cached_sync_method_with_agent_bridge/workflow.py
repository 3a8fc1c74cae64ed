"""Report workflow with a memoised style lookup."""

import asyncio
import functools
from typing import Iterator

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Flow(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.stylist = Agent(name="stylist", model=model, telemetry=False)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    @functools.lru_cache(maxsize=None)
    def _house_style(self) -> str:
        self.session_state["style_calls"] = self.session_state.get("style_calls", 0) + 1
        answer = asyncio.run(self.stylist.arun("house style"))
        return str(answer.content)

    def run(self, topic: str) -> Iterator[RunResponse]:
        yield RunResponse(content=f"[{self._house_style()}] ")
        answer = asyncio.run(self.writer.arun(f"write {topic}"))
        yield RunResponse(content=str(answer.content))
        yield RunResponse(content=f" [{self._house_style()}]")

    def __hash__(self) -> int:
        return id(self)
