"""Flight desk: the agent is built from a settings dict `Agent(**DESK_SETTINGS, model=model)` whose `tools` holds the async tool."""

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

DESK_SETTINGS = {"name": "desk", "tools": [lookup_gate], "telemetry": False}


class FlightDesk(Workflow):

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.desk = Agent(**DESK_SETTINGS, model=model)

    def run(self, flight: str) -> Iterator[RunResponse]:
        answer = asyncio.run(self.desk.arun(f"where is {flight}"))
        yield RunResponse(content=str(answer.content))
