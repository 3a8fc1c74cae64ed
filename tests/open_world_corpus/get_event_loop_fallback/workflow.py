"""Support triage workflow.

Uses the "get the current loop or make one" idiom copied from a Stack
Overflow answer, so the sync entry point can call async agents.
"""

import asyncio
from typing import Iterator

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


def _event_loop() -> asyncio.AbstractEventLoop:
    try:
        loop = asyncio.get_event_loop()
        if loop.is_closed():
            raise RuntimeError("closed")
    except RuntimeError:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    return loop


class SupportTriage(Workflow):
    """Classifies a ticket, then drafts a reply in the right tone."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.classifier = Agent(name="classifier", model=model, telemetry=False,
                                instructions=["Classify the ticket as billing, bug or other."])
        self.drafter = Agent(name="drafter", model=model, telemetry=False,
                             instructions=["Draft a polite reply to the ticket."])

    def run(self, ticket: str) -> Iterator[RunResponse]:
        loop = _event_loop()
        label = loop.run_until_complete(self.classifier.arun(ticket))
        self.session_state["last_label"] = label.content
        yield RunResponse(content=f"[{label.content}] ")
        draft = _event_loop().run_until_complete(self.drafter.arun(f"{label.content}: {ticket}"))
        yield RunResponse(content=draft.content)
