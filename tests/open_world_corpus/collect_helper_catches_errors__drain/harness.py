from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Flow


def reply(user: str, system: str) -> str:
    return f"about {user.split()[-1] if user.split() else user}"


SCENARIOS = [
    Scenario("rates", {"topic": "rates"}),
    Scenario("two words", {"topic": "bond yields"}),
    Scenario("tool fails", {"topic": "BAD"}),
    Scenario("model fails", {"topic": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Flow:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if fail else None)
    return Flow(model=model, telemetry=False)
