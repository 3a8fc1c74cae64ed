"""Flight desk: the agent's tools come from a module constant `DESK_TOOLS = [lookup_terminal, lookup_gate]`."""

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

DESK_TOOLS = [lookup_terminal, lookup_gate]


class FlightDesk(Workflow):

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.desk = Agent(name="desk", model=model, tools=DESK_TOOLS, telemetry=False)

    def run(self, flight: str) -> Iterator[RunResponse]:
        answer = asyncio.run(self.desk.arun(f"where is {flight}"))
        yield RunResponse(content=str(answer.content))
