"""Sentiment workflow: async-first, with run() as a thin asyncio.run wrapper."""

import asyncio

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class SentimentCheck(Workflow):
    """Classifies the sentiment of a review."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.classifier = Agent(name="sentiment", model=model, telemetry=False,
                                instructions=["Answer positive or negative."])

    def run(self, review: str) -> RunResponse:
        return asyncio.run(self.arun(review=review))

    async def arun(self, review: str) -> RunResponse:
        verdict = await self.classifier.arun(review)
        self.session_state["last"] = verdict.content
        return RunResponse(content=f"sentiment: {verdict.content}")
