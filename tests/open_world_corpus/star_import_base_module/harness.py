from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .base import BaseFlow


def reply(user: str, system: str) -> str:
    return f"about {user.split()[-1]}"


SCENARIOS = [
    Scenario("rates", {"topic": "rates"}),
    Scenario("model fails", {"topic": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> BaseFlow:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if fail else None)
    return BaseFlow(model=model, telemetry=False)


def _banner(scenario: Scenario):
    from . import flows
    try:
        return flows.banner(scenario.kwargs["topic"]).content
    except Exception as exc:  # noqa: BLE001
        return f"Error: {type(exc).__name__}: {exc}"


EXTRA = {"banner": _banner}
