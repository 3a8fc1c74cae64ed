import json
from dataclasses import dataclass
from typing import Any, List, Optional

from agno.models.message import Message
from agno.models.response import ModelResponse

from codemods.parity.fake_model import ScriptedModel, ScriptedModelError
from codemods.parity.harness import Scenario

from .workflow import PolicyDesk


@dataclass
class SearchingModel(ScriptedModel):
    """Calls search_knowledge_base once with the question, then answers from the tool result."""

    def _decide(self, messages: Optional[List[Message]]) -> Any:
        last = (messages or [])[-1]
        if last.role == "tool":
            text = last.get_content_string()
            return {"text": "grounded: " + ("yes" if "days" in text else "no")}
        prompt = last.get_content_string()
        if self.fail_on is not None and self.fail_on(prompt):
            raise ScriptedModelError(f"scripted failure for prompt: {prompt!r}")
        return {"call": prompt}

    def invoke(self, messages: Optional[List[Message]] = None, **kwargs: Any) -> Any:
        return self._decide(messages)

    async def ainvoke(self, messages: Optional[List[Message]] = None, **kwargs: Any) -> Any:
        return self._decide(messages)

    def parse_provider_response(self, response: Any, **kwargs: Any) -> ModelResponse:
        if "call" in response:
            return ModelResponse(role="assistant", tool_calls=[{
                "id": "call_1", "type": "function",
                "function": {"name": "search_knowledge_base", "arguments": json.dumps({"query": response["call"]})},
            }])
        return ModelResponse(role="assistant", content=response["text"])


SCENARIOS = [
    Scenario("refund", {"question": "what is the refund policy"}),
    Scenario("unknown", {"question": "what about returns"}),
    Scenario("model fails", {"question": "boom refund"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> PolicyDesk:
    fail = scenario.setup.get("fail")
    model = SearchingModel(fail_on=(lambda p: "boom" in p) if fail else None)
    return PolicyDesk(model=model, telemetry=False)
