"""Flight-status workflow whose agent has an async tool (an aiohttp-style client)."""

import asyncio
from typing import Iterator

from agno.agent import Agent, RunResponse
from agno.workflow import Workflow

from .tools import lookup_flight


def build_status_agent(model) -> Agent:
    return Agent(
        name="flight-status",
        model=model,
        tools=[lookup_flight],
        telemetry=False,
        instructions=["Use lookup_flight to answer questions about a flight."],
    )


class FlightStatus(Workflow):
    """Answers 'where is my flight' questions."""

    def __init__(self, model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.status_agent = build_status_agent(model)

    def run(self, question: str) -> Iterator[RunResponse]:
        answer = asyncio.run(self.status_agent.arun(question))
        yield RunResponse(content=str(answer.content))
