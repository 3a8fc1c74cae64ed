from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import RecipeAssistant


def reply(user: str, system: str) -> str:
    if "Suggest" in system:
        return "omelette" if "egg" in user else "salad"
    return f"1. Prepare the {user.split()[-1]}. 2. Serve."


SCENARIOS = [
    Scenario("eggs", {"ingredients": "eggs, cheese"}),
    Scenario("greens", {"ingredients": "lettuce, tomato"}),
    Scenario("writer fails", {"ingredients": "eggs"}, setup={"fail": "Recipe for"}),
]


def make(scenario: Scenario) -> RecipeAssistant:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return RecipeAssistant(model=model, telemetry=False)
