"""Translator that lazily loads a glossary through a property."""

import asyncio
from typing import AsyncIterator, Dict, Iterator, List, Optional

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


async def _load_glossary() -> Dict[str, str]:
    await asyncio.sleep(0)
    return {"hello": "bonjour", "cat": "chat"}


class Translator(Workflow):
    """Translates text, telling the agent the glossary terms it must use."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.translator = Agent(name="translator", model=model, telemetry=False, instructions=["Translate."])
        self._glossary: Optional[Dict[str, str]] = None

    @property
    def glossary(self) -> Dict[str, str]:
        if self._glossary is None:
            self._glossary = asyncio.run(_load_glossary())
        return self._glossary

    def run(self, text: str) -> Iterator[RunResponse]:
        terms = ", ".join(f"{k}={v}" for k, v in self.glossary.items() if k in text)
        responses = asyncio.run(self._collect_async_responses(self._run_translate_flow(text, terms)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_translate_flow(self, text: str, terms: str) -> AsyncIterator[RunResponse]:
        answer = await self.translator.arun(f"{text} | terms: {terms or 'none'}")
        yield RunResponse(content=str(answer.content))
