"""Report workflow passing agent options as a dict."""

import asyncio
from typing import Iterator

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Flow(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.writer = Agent(name="writer", model=model, telemetry=False)
        self.run_options = {"stream": False, "user_id": "u1"}

    def run(self, topic: str) -> Iterator[RunResponse]:
        answer = asyncio.run(self.writer.arun(f"write {topic}", **self.run_options))
        yield RunResponse(content=str(answer.content))
