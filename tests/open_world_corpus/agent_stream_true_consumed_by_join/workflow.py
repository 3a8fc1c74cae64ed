"""Summary workflow whose agent streams by default (Agent(stream=True))."""

from typing import Iterator

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Summary(Workflow):
    """Streams the draft from a streaming agent, joined into one reply."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.drafter = Agent(name="drafter", model=model, telemetry=False, stream=True)

    def run(self, text: str) -> Iterator[RunResponse]:
        yield RunResponse(content="draft: ")
        draft = "".join(str(event.content) for event in self.drafter.run(f"summarise {text}") if event.content)
        yield RunResponse(content=draft.upper())
