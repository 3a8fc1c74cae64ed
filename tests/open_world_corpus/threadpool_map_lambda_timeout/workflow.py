"""Quote workflow: fetch figures through a thread pool's map with a timeout."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class FeedError(Exception):
    pass


async def fetch_figure(symbol: str) -> int:
    await asyncio.sleep(0.001 * len(symbol))
    if symbol == "BAD":
        raise FeedError(f"no feed for {symbol}")
    return sum(map(ord, symbol)) % 97


class Quotes(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.analyst = Agent(name="analyst", model=model, telemetry=False)

    def run(self, symbols: str) -> Iterator[RunResponse]:
        names: List[str] = symbols.split()
        with ThreadPoolExecutor(max_workers=4) as pool:
            figures = list(pool.map(lambda s: asyncio.run(fetch_figure(s)), names, timeout=10))
        yield RunResponse(content=f"figures {dict(zip(names, figures))}\n")
        with ThreadPoolExecutor() as pool:
            doubled = [f * 2 for f in pool.map(asyncio.run, [fetch_figure(s) for s in names])]
        note = self.analyst.run(f"comment {doubled}")
        yield RunResponse(content=str(note.content))
