from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import TravelPlanner


def reply(user: str, system: str) -> str:
    return f"fly in friday, stay central ({user})"


SCENARIOS = [
    Scenario("plan", {"city": "Lisbon"}),
    Scenario("brief", {"city": "Lisbon", "brief": True}),
    Scenario("leader fails", {"city": "Lisbon"}, setup={"fail": True}),
    Scenario("brief fails", {"city": "Lisbon", "brief": True}, setup={"fail": True}),
]


def make(scenario: Scenario) -> TravelPlanner:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return TravelPlanner(model=model, telemetry=False)
