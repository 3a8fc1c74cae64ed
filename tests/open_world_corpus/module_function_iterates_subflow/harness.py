import asyncio

from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import ShowNotes, stream_show_notes


def reply(user: str, system: str) -> str:
    return f"In this episode: {user}"


SCENARIOS = [
    Scenario("episode", {"transcript": "we talk about gardening"}),
    Scenario("writer fails", {"transcript": "we talk about gardening"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> ShowNotes:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if scenario.setup.get("fail") else None)
    return ShowNotes(model=model, telemetry=False)


def _websocket(scenario: Scenario) -> object:
    try:
        return asyncio.run(stream_show_notes(make(scenario), "we talk about gardening"))
    except Exception as exc:  # noqa: BLE001
        return f"Error: {type(exc).__name__}: {exc}"


EXTRA = {"websocket": _websocket}
