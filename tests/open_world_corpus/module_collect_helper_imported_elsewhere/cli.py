"""Command line entry: prints the episode titles of a feed, reusing the workflow module's collector."""

import asyncio
from typing import AsyncIterator

from agno.run.response import RunResponse

from .workflow import collect_async


async def titles(feed: str) -> AsyncIterator[RunResponse]:
    for number, part in enumerate(feed.split(";"), 1):
        await asyncio.sleep(0)
        yield RunResponse(content=f"{number}. {part.strip()}")


def list_titles(feed: str) -> list:
    return [item.content for item in asyncio.run(collect_async(titles(feed)))]
