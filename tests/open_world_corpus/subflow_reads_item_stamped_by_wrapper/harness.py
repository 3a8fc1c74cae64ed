from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Ticket


def reply(user: str, system: str) -> str:
    return f"fix for {user}"


SCENARIOS = [
    Scenario("printer", {"issue": "printer jam"}),
    Scenario("fails", {"issue": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Ticket:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if scenario.setup.get("fail") else None)
    return Ticket(model=model, telemetry=False)
