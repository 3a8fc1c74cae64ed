"""A deterministic, offline agno ``Model`` for tests and parity runs.

``ScriptedModel`` answers every request from a Python function of the last
user message instead of calling a provider, so agno's real ``Agent`` /
``Workflow`` machinery runs end to end without network access.  Replies are
streamed word by word; an optional per-call and per-chunk delay simulates
latency, and ``fail_on`` makes the model raise for chosen prompts.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable, Iterator, List, Optional

from agno.models.base import Model
from agno.models.message import Message
from agno.models.response import ModelResponse

# responder(user_message, system_message) -> reply
Responder = Callable[[str, str], str]


class ScriptedModelError(RuntimeError):
    """Raised by :class:`ScriptedModel` when a prompt matches ``fail_on``."""


def _echo(prompt: str, system: str) -> str:
    return f"echo: {prompt}"


def _last_text(messages: Optional[List[Message]], role: str) -> str:
    for message in reversed(messages or []):
        if message.role == role:
            return message.get_content_string()
    return ""


def _last_user_text(messages: Optional[List[Message]]) -> str:
    return _last_text(messages, "user")


def _chunks(text: str) -> List[str]:
    """Split ``text`` into word chunks that concatenate back to ``text``."""
    words = text.split(" ")
    return [word if i == len(words) - 1 else word + " " for i, word in enumerate(words)]


@dataclass
class ScriptedModel(Model):
    """Offline model whose replies come from ``responder(user_message, system_message)``.

    ``latency`` is slept before the first chunk of every call and
    ``chunk_latency`` before each further chunk (``time.sleep`` on the sync
    path, ``asyncio.sleep`` on the async path).  ``events`` records
    ``("model-start"|"model-end", prompt)`` tuples in call order.
    """

    id: str = "scripted"
    name: str = "ScriptedModel"
    provider: str = "agno-migrate"
    responder: Responder = field(default=_echo)
    latency: float = 0.0
    chunk_latency: float = 0.0
    fail_on: Optional[Callable[[str], bool]] = None  # raise ScriptedModelError for these prompts
    events: List[tuple] = field(default_factory=list)

    def _reply(self, messages: Optional[List[Message]]) -> str:
        prompt = _last_user_text(messages)
        if self.fail_on is not None and self.fail_on(prompt):
            raise ScriptedModelError(f"scripted failure for prompt: {prompt!r}")
        return self.responder(prompt, _last_text(messages, "system"))

    # -- agno's provider interface -------------------------------------------------
    def invoke(self, messages: Optional[List[Message]] = None, **kwargs: Any) -> ModelResponse:
        self.events.append(("model-start", _last_user_text(messages)))
        time.sleep(self.latency)
        reply = self._reply(messages)
        self.events.append(("model-end", _last_user_text(messages)))
        return self._parse_provider_response(reply)

    async def ainvoke(self, messages: Optional[List[Message]] = None, **kwargs: Any) -> ModelResponse:
        self.events.append(("model-start", _last_user_text(messages)))
        await asyncio.sleep(self.latency)
        reply = self._reply(messages)
        self.events.append(("model-end", _last_user_text(messages)))
        return self._parse_provider_response(reply)

    def invoke_stream(self, messages: Optional[List[Message]] = None, **kwargs: Any) -> Iterator[ModelResponse]:
        self.events.append(("model-start", _last_user_text(messages)))
        time.sleep(self.latency)
        for index, chunk in enumerate(_chunks(self._reply(messages))):
            if index:
                time.sleep(self.chunk_latency)
            yield self._parse_provider_response_delta(chunk)
        self.events.append(("model-end", _last_user_text(messages)))

    async def ainvoke_stream(self, messages: Optional[List[Message]] = None, **kwargs: Any) -> AsyncIterator[ModelResponse]:
        self.events.append(("model-start", _last_user_text(messages)))
        await asyncio.sleep(self.latency)
        for index, chunk in enumerate(_chunks(self._reply(messages))):
            if index:
                await asyncio.sleep(self.chunk_latency)
            yield self._parse_provider_response_delta(chunk)
        self.events.append(("model-end", _last_user_text(messages)))

    def _parse_provider_response(self, response: Any, **kwargs: Any) -> ModelResponse:
        return ModelResponse(role="assistant", content=response)

    def _parse_provider_response_delta(self, response: Any) -> ModelResponse:
        return ModelResponse(role="assistant", content=response)
