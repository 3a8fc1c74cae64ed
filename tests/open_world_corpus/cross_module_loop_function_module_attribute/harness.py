from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import BudgetPlanner


def reply(user: str, system: str) -> str:
    return f"go camping with {user.split('for ')[-1]}"


SCENARIOS = [
    Scenario("usd", {"budget": 1000.0}),
    Scenario("eur", {"budget": 500.0, "currency": "EUR"}),
    Scenario("rates fail", {"budget": 10.0, "currency": "XXX"}),
    Scenario("planner fails", {"budget": 1000.0}, setup={"fail": True}),
]


def make(scenario: Scenario) -> BudgetPlanner:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return BudgetPlanner(model=model, telemetry=False)
