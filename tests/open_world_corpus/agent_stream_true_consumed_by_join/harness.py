from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Summary


def reply(user: str, system: str) -> str:
    return f"short version of {user}"


SCENARIOS = [
    Scenario("essay", {"text": "a long essay"}),
    Scenario("fails", {"text": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Summary:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if scenario.setup.get("fail") else None)
    return Summary(model=model, telemetry=False)
