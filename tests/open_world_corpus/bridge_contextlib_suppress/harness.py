from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Newsletter


def reply(user: str, system: str) -> str:
    return f"text on {user.split()[-1]}"


SCENARIOS = [
    Scenario("all good", {"topics": "rates,stocks"}),
    Scenario("one section broken", {"topics": "rates,stocks,bonds"}, setup={"broken": "stocks"}),
    Scenario("model fails", {"topics": "rates,boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Newsletter:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if fail else None)
    return Newsletter(model=model, broken=scenario.setup.get("broken", ""), telemetry=False)
