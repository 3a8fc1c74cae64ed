"""Translator: translates into several languages at once and reports the raw result list."""

import asyncio
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Translator(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.translator = Agent(name="translator", model=model, telemetry=False)

    def run(self, text: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_translate_flow(text)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _translate(self, lang: str, text: str) -> str:
        answer = await self.translator.arun(f"{lang}: {text}")
        return str(answer.content)

    async def _run_translate_flow(self, text: str) -> AsyncIterator[RunResponse]:
        results = await asyncio.gather(self._translate("fr", text), self._translate("de", text))
        self.session_state["translations"] = results
        results.append("(done)")
        yield RunResponse(content=repr(results))
        total = sum(len(x) for x in await asyncio.gather(*(self._translate(l, text) for l in ("es", "it"))))
        yield RunResponse(content=f" total={total}")
