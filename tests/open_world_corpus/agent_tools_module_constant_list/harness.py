from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import FlightDesk


def reply(user: str, system: str) -> str:
    return f"go to {user.split()[-1]}"


SCENARIOS = [
    Scenario("ba123", {"flight": "BA123"}),
    Scenario("model fails", {"flight": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> FlightDesk:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if fail else None)
    return FlightDesk(model=model, telemetry=False)
