from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Newsletter


def reply(user: str, system: str) -> str:
    return f"all about {user}"


SCENARIOS = [
    Scenario("two topics", {"topics": "ai, chips"}),
    Scenario("one fails", {"topics": "ai, boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Newsletter:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if scenario.setup.get("fail") else None)
    return Newsletter(model=model, telemetry=False)
