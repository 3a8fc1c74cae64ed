"""Meeting-notes summariser: summarises each section, then the whole.

The async agent call is hidden in a small closure defined inside run().
"""

import asyncio
from typing import Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class MeetingSummary(Workflow):
    """Summarises meeting notes section by section."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.summarizer = Agent(name="summarizer", model=model, telemetry=False,
                                instructions=["Summarise the text in one sentence."])

    def run(self, notes: str) -> Iterator[RunResponse]:
        def summarize(text: str) -> str:
            response = asyncio.run(self.summarizer.arun(text))
            return str(response.content)

        async def summarize_all(sections: List[str]) -> List[str]:
            answers = []
            for section in sections:
                answer = await self.summarizer.arun(section)
                answers.append(str(answer.content))
            return answers

        sections = [part.strip() for part in notes.split("##") if part.strip()]
        for summary in asyncio.run(summarize_all(sections)):
            yield RunResponse(content=f"- {summary}\n")
        yield RunResponse(content="Overall: " + summarize(notes))
