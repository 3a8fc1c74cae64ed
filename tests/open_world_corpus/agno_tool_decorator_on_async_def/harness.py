from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Pricing


def reply(user: str, system: str) -> str:
    return f"quote: {user}"


SCENARIOS = [
    Scenario("lamp", {"product": "lamp"}),
    Scenario("fails", {"product": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Pricing:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if scenario.setup.get("fail") else None)
    return Pricing(model=model, telemetry=False)
