"""Quote service with a hard timeout on every model call."""

import asyncio
from typing import Iterator

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

MODEL_TIMEOUT_SECONDS = 5.0


class QuoteOfTheDay(Workflow):
    """Picks a theme, then a quote for it; each model call is bounded by a timeout."""

    def __init__(self, model: Model, timeout: float = MODEL_TIMEOUT_SECONDS, **kwargs) -> None:
        super().__init__(**kwargs)
        self.timeout = timeout
        self.curator = Agent(name="curator", model=model, telemetry=False,
                             instructions=["Pick a theme for today's quote."])
        self.quoter = Agent(name="quoter", model=model, telemetry=False,
                            instructions=["Give a famous quote about the theme."])

    def run(self, mood: str) -> Iterator[RunResponse]:
        try:
            theme = asyncio.run(asyncio.wait_for(self.curator.arun(mood), timeout=self.timeout))
        except asyncio.TimeoutError:
            yield RunResponse(content="The curator took too long; try again later.")
            return
        quote = asyncio.run(asyncio.wait_for(self.quoter.arun(f"Theme: {theme.content}"), self.timeout))
        yield RunResponse(content=f"{theme.content}: {quote.content}")
