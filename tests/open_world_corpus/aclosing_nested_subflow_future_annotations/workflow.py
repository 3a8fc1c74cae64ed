"""Chaptered book workflow: subflows call each other, wrapped in contextlib.aclosing."""

from __future__ import annotations

import asyncio
import contextlib
import typing

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Book(Workflow):
    """Writes an outline then every chapter."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.author = Agent(name="author", model=model, telemetry=False)

    def run(self, title: str, chapters: int = 2) -> typing.Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_book_flow(title, chapters)))
        yield from responses

    async def _collect_async_responses(self, responses: typing.AsyncIterator[RunResponse]) -> typing.List[RunResponse]:
        collected: typing.List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_chapter_flow(self, title: str, number: int) -> typing.AsyncGenerator[RunResponse, None]:
        text = await self.author.arun(f"chapter {number} of {title}")
        yield RunResponse(content=f"## {number}\n{text.content}\n")

    async def _run_book_flow(self, title: str, chapters: int) -> typing.AsyncGenerator[RunResponse, None]:
        yield RunResponse(content=f"# {title}\n")
        for number in range(1, chapters + 1):
            async with contextlib.aclosing(self._run_chapter_flow(title, number)) as parts:
                async for part in parts:
                    yield part
        self.session_state["chapters"] = chapters
