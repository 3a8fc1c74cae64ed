from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import ItineraryPlanner


def reply(user: str, system: str) -> str:
    return f"museum and dinner ({user})"


SCENARIOS = [
    Scenario("two days", {"destination": "Rome"}),
    Scenario("day two fails", {"destination": "Rome", "days": 3}, setup={"fail": "Day 2"}),
]


def make(scenario: Scenario) -> ItineraryPlanner:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return ItineraryPlanner(model=model, telemetry=False)
