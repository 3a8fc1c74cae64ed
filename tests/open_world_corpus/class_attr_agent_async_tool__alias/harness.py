from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import HouseHunter


def reply(user: str, system: str) -> str:
    return f"<{user}>"


SCENARIOS = [
    Scenario("porto", {"city": "Porto"}),
    Scenario("shortlist fails", {"city": "Porto"}, setup={"fail": "shortlist"}),
]


def make(scenario: Scenario) -> HouseHunter:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return HouseHunter(model=model, telemetry=False)
