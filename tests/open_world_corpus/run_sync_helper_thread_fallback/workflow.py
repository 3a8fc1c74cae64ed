"""Glossary builder using a run_sync helper that tolerates a running event loop."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any, AsyncIterator, Coroutine, Iterator, List, TypeVar

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from sync code, even when an event loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


class GlossaryBuilder(Workflow):
    """Defines each term of a comma-separated list."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lexicographer = Agent(name="lexicographer", model=model, telemetry=False, instructions=["Define."])

    def run(self, terms: str) -> Iterator[RunResponse]:
        domain = run_sync(self.lexicographer.arun(f"domain of {terms}"))
        yield RunResponse(content=f"Glossary ({domain.content})\n")
        yield from run_sync(self._collect_async_responses(self._run_define_flow(terms)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_define_flow(self, terms: str) -> AsyncIterator[RunResponse]:
        for term in terms.split(","):
            definition = await self.lexicographer.arun(f"define {term.strip()}")
            self.session_state.setdefault("defined", []).append(term.strip())
            yield RunResponse(content=f"{term.strip()}: {definition.content}\n")
