from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .app import render
from .workflow import Digest


def reply(user: str, system: str) -> str:
    return f"news about {user.split()[-1]}"


SCENARIOS = [
    Scenario("rates", {"topic": "rates"}),
    Scenario("model fails", {"topic": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Digest:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if fail else None)
    return Digest(model=model, telemetry=False)


def _render(scenario: Scenario):
    try:
        return render(make(scenario), scenario.kwargs["topic"])
    except Exception as exc:  # noqa: BLE001
        return f"Error: {type(exc).__name__}: {exc}"


EXTRA = {"render": _render}
