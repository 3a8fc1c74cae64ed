import json
from dataclasses import dataclass
from typing import Any, List, Optional

from agno.models.message import Message
from agno.models.response import ModelResponse

from codemods.parity.fake_model import ScriptedModel, ScriptedModelError
from codemods.parity.harness import Scenario

from .workflow import GateDesk


@dataclass
class ToolCallingModel(ScriptedModel):
    def _decide(self, messages: Optional[List[Message]]) -> Any:
        last = (messages or [])[-1]
        if last.role == "tool":
            return {"text": f"answer: {last.get_content_string()}"}
        prompt = last.get_content_string()
        if self.fail_on is not None and self.fail_on(prompt):
            raise ScriptedModelError(f"scripted failure for prompt: {prompt!r}")
        return {"call": prompt.split()[-1]}

    def invoke(self, messages: Optional[List[Message]] = None, **kwargs: Any) -> Any:
        return self._decide(messages)

    async def ainvoke(self, messages: Optional[List[Message]] = None, **kwargs: Any) -> Any:
        return self._decide(messages)

    def parse_provider_response(self, response: Any, **kwargs: Any) -> ModelResponse:
        if "call" in response:
            return ModelResponse(role="assistant", tool_calls=[{
                "id": "call_1", "type": "function",
                "function": {"name": "lookup_gate", "arguments": json.dumps({"flight": response["call"]})},
            }])
        return ModelResponse(role="assistant", content=response["text"])


SCENARIOS = [
    Scenario("ba123", {"flight": "BA123"}),
    Scenario("model fails", {"flight": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> GateDesk:
    fail = scenario.setup.get("fail")
    model = ToolCallingModel(fail_on=(lambda p: "boom" in p) if fail else None)
    return GateDesk(model=model, telemetry=False)


def _preview(scenario: Scenario):
    flow = make(scenario)
    try:
        first = next(iter(flow.run(**scenario.kwargs)))
        return [first.content, dict(flow.session_state)]
    except Exception as exc:  # noqa: BLE001
        return f"Error: {type(exc).__name__}: {exc}"


EXTRA = {"preview": _preview}
