from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Router


def reply(user: str, system: str) -> str:
    return f"answer to {user}"


SCENARIOS = [
    Scenario("tax", {"area": "tax", "question": "vat?"}),
    Scenario("unknown area", {"area": "medicine", "question": "flu?"}),
    Scenario("model fails", {"area": "law", "question": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Router:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if scenario.setup.get("fail") else None)
    return Router(model=model, telemetry=False)
