from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Dashboard


def reply(user: str, system: str) -> str:
    return f"{user}, which is fine."


SCENARIOS = [
    Scenario("churn", {"metric": "churn", "value": 2.5}),
    Scenario("commentator fails", {"metric": "churn", "value": 2.5}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Dashboard:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if scenario.setup.get("fail") else None)
    return Dashboard(model=model, telemetry=False)
