"""Panel workflow: tasks appended in a loop, gathered with return_exceptions."""

import asyncio
from typing import AsyncIterator, Dict, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Panel(Workflow):
    """Asks every panelist; failures become notes."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.panel: Dict[str, Agent] = {
            name: Agent(name=name, model=model, telemetry=False) for name in ("optimist", "skeptic", "realist")
        }

    def run(self, question: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_panel_flow(question)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_panel_flow(self, question: str) -> AsyncIterator[RunResponse]:
        tasks = []
        for name, agent in self.panel.items():
            tasks.append(agent.arun(f"{name}: {question}"))
        answers = await asyncio.gather(*tasks, return_exceptions=True)
        for name, answer in zip(self.panel, answers):
            if isinstance(answer, BaseException):
                yield RunResponse(content=f"{name} abstains ({answer})\n")
            else:
                yield RunResponse(content=f"{name}: {answer.content}\n")
        tally = await asyncio.gather(*[asyncio.sleep(0, result=len(n)) for n in self.panel])
        yield RunResponse(content=f"tally {sum(tally)}")
