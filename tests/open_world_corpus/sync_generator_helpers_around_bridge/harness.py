from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Explainer


def reply(user: str, system: str) -> str:
    return f"simply put: {user}"


SCENARIOS = [
    Scenario("short", {"topic": "tides"}),
    Scenario("long", {"topic": "photosynthesis"}),
    Scenario("teacher fails", {"topic": "tides"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Explainer:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return Explainer(model=model, telemetry=False)
