"""Routed workflow whose router is swapped by a subclass attribute."""

import asyncio
from typing import Iterator

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


def keyword_route(message: str) -> str:
    return "short" if len(message.split()) == 1 else "long"


class RoutedFlow(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.router = Agent(name="router", model=model, telemetry=False)
        self.writer = Agent(name="writer", model=model, telemetry=False)

    def _route(self, message: str) -> str:
        answer = asyncio.run(self.router.arun(f"route {message}"))
        return str(answer.content)

    def run(self, topic: str) -> Iterator[RunResponse]:
        category = self._route(topic)
        yield RunResponse(content=f"[{category}] ")
        answer = asyncio.run(self.writer.arun(f"write {topic}"))
        yield RunResponse(content=str(answer.content))


class Flow(RoutedFlow):
    """Same flow, routed by keyword instead of by the router agent."""

    _route = staticmethod(keyword_route)
