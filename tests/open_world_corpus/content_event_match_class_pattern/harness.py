from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import StoryTeller


def reply(user: str, system: str) -> str:
    return f"once upon a time {user}"


SCENARIOS = [
    Scenario("dragon", {"prompt": "dragon"}),
    Scenario("model fails", {"prompt": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> StoryTeller:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if fail else None)
    return StoryTeller(model=model, telemetry=False)
