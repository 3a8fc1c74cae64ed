import asyncio

from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import ChatFlow, ChatService


def reply(user: str, system: str) -> str:
    return f"Happy to help with {user}"


SCENARIOS = [
    Scenario("chat", {"message": "my order"}),
    Scenario("model fails", {"message": "my order"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> ChatFlow:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if scenario.setup.get("fail") else None)
    return ChatFlow(model=model, telemetry=False)


def _sse(scenario: Scenario) -> object:
    try:
        return asyncio.run(ChatService(make(scenario)).handle("my order"))
    except Exception as exc:  # noqa: BLE001
        return f"Error: {type(exc).__name__}: {exc}"


EXTRA = {"sse": _sse}
