from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Triage


def reply(user: str, system: str) -> str:
    return f"P2 for {user}"


SCENARIOS = [
    Scenario("crash", {"report": "app crash"}),
    Scenario("fails", {"report": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Triage:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if scenario.setup.get("fail") else None)
    return Triage(model=model, telemetry=False)
