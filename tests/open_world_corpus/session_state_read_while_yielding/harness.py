from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import QuizMaster


def reply(user: str, system: str) -> str:
    return f"what is {user.split()[-1]}?"


SCENARIOS = [
    Scenario("three rounds", {"topic": "rivers"}),
    Scenario("one round", {"topic": "stars", "rounds": 1}),
    Scenario("first question fails", {"topic": "rivers"}, setup={"fail": "Question 1"}),
]


def make(scenario: Scenario) -> QuizMaster:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return QuizMaster(model=model, telemetry=False)
