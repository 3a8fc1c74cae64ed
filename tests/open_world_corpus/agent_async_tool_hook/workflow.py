"""Flight desk: the agent's tools are sync, but its tool hook (auditing every tool call) is async."""

import asyncio
from typing import Any, Callable, Dict, Iterator

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

AUDIT: list = []


def lookup_gate(flight: str) -> str:
    """Look up the departure gate of a flight."""
    return f"gate of {flight} is b{len(flight)}"


async def audit_tool_call(function_name: str, function_call: Callable, arguments: Dict[str, Any]) -> Any:
    """Audit every tool call (writes to an async audit sink) and normalise the result."""
    await asyncio.sleep(0)
    AUDIT.append(function_name)
    result = function_call(**arguments)
    if asyncio.iscoroutine(result):
        result = await result
    return str(result).upper()


class FlightDesk(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.desk = Agent(name="desk", model=model, tools=[lookup_gate], tool_hooks=[audit_tool_call], telemetry=False)

    def run(self, flight: str) -> Iterator[RunResponse]:
        answer = asyncio.run(self.desk.arun(f"where is {flight}"))
        yield RunResponse(content=str(answer.content))
