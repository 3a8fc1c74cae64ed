"""Email drafter that calls the sync agent API in a worker thread."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

TEMPLATES = {"thanks": "Dear {name}, thank you.", "apology": "Dear {name}, we are sorry."}


def load_template(kind: str) -> str:
    """Blocking template lookup (a file or database in real code)."""
    if kind not in TEMPLATES:
        raise KeyError(f"no template {kind!r}")
    return TEMPLATES[kind]


class EmailDrafter(Workflow):
    """Drafts an email from a template and an agent's personal touch."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.drafter = Agent(name="drafter", model=model, telemetry=False, instructions=["Add a personal line."])

    def run(self, name: str, kind: str = "thanks") -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_email_flow(name, kind)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_email_flow(self, name: str, kind: str) -> AsyncIterator[RunResponse]:
        template = await asyncio.to_thread(load_template, kind)
        yield RunResponse(content=template.format(name=name) + "\n")
        personal = await asyncio.to_thread(self.drafter.run, f"personal line for {name}", stream=False)
        self.session_state["drafted_for"] = name
        yield RunResponse(content=str(personal.content))
