from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Research


def reply(user: str, system: str) -> str:
    return f"report: {user}"


SCENARIOS = [
    Scenario("solar", {"topic": "solar"}),
    Scenario("writer fails", {"topic": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Research:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p == "write about boom") if scenario.setup.get("fail") else None)
    return Research(model=model, telemetry=False)
