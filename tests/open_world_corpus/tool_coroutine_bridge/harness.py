from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import TripPlanner


def reply(user: str, system: str) -> str:
    return "Pack an umbrella." if "rain" in user else "Pack sunglasses."


SCENARIOS = [
    Scenario("two cities", {"cities": "Paris, Madrid"}),
    Scenario("unknown city", {"cities": "Paris, Atlantis"}),
    Scenario("advisor fails", {"cities": "Madrid"}, setup={"fail": "Madrid"}),
]


def make(scenario: Scenario) -> TripPlanner:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return TripPlanner(model=model, telemetry=False)
