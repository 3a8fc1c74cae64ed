from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import RecipePlanner


def reply(user: str, system: str) -> str:
    return f"boil the {user.split()[-1]}"


SCENARIOS = [
    Scenario("pasta", {"dish": "pasta"}),
    Scenario("model fails", {"dish": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> RecipePlanner:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if fail else None)
    return RecipePlanner(model=model, telemetry=False)
