"""Translation workflow: translates a text into several languages."""

import asyncio
from typing import Callable, Dict, Iterator

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Translator(Workflow):
    """Translates a text into each requested language, one response per language."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.translator = Agent(name="translator", model=model, telemetry=False,
                                instructions=["Translate the text into the requested language."])

    def run(self, text: str, languages: str = "fr,de") -> Iterator[RunResponse]:
        translate: Callable[[str], RunResponse] = lambda lang: asyncio.run(
            self.translator.arun(f"Translate into {lang}: {text}")
        )
        results: Dict[str, str] = {}
        for lang in languages.split(","):
            results[lang] = str(translate(lang).content)
            yield RunResponse(content=f"{lang}: {results[lang]}\n")
        self.session_state["translations"] = results
