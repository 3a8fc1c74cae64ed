from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import RecipeAssistant


def reply(user: str, system: str) -> str:
    return f"pancakes? ({user})"


SCENARIOS = [
    Scenario("ann", {"user": "ann"}),
    Scenario("bob", {"user": "bob"}),
    Scenario("pantry fails", {"user": "nobody"}),
    Scenario("chef fails", {"user": "ann"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> RecipeAssistant:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return RecipeAssistant(model=model, telemetry=False)
