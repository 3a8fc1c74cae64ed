"""Flight desk: the agent is a `deep_copy(update={'tools': [lookup_gate]})` of a tool-free template agent built in __init__."""

import asyncio
import functools
from typing import Iterator

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


async def lookup_gate(flight: str) -> str:
    """Look up the departure gate of a flight."""
    await asyncio.sleep(0)
    return f"gate for {flight}: B{len(flight)}"


def lookup_terminal(flight: str) -> str:
    """Look up the terminal of a flight."""
    return f"terminal for {flight}: 2"



class FlightDesk(Workflow):

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.template = Agent(name="desk", model=model, telemetry=False)
        self.desk = self.template.deep_copy(update={"tools": [lookup_gate]})

    def run(self, flight: str) -> Iterator[RunResponse]:
        answer = asyncio.run(self.desk.arun(f"where is {flight}"))
        yield RunResponse(content=str(answer.content))
