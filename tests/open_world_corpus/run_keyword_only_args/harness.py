from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import QuizGenerator


def reply(user: str, system: str) -> str:
    return f"why {user.split()[-1]}?"


SCENARIOS = [
    Scenario("defaults", {"subject": "math"}),
    Scenario("all keywords", {"subject": "art", "count": 3, "level": "hard", "tag": "x"}),
    Scenario("second question fails", {"subject": "math", "count": 3}, setup={"fail": "easy question 2"}),
]


def make(scenario: Scenario) -> QuizGenerator:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return QuizGenerator(model=model, telemetry=False)
