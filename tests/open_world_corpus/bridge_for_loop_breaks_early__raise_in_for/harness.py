from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import IdeaGenerator


def reply(user: str, system: str) -> str:
    number = int(user.split()[1])
    return f"idea {min(number, 1)} about {user.split()[-1]}"


SCENARIOS = [
    Scenario("repeats after two", {"topic": "tea"}),
    Scenario("one round", {"topic": "tea", "rounds": 1}),
    Scenario("fails after the stop", {"topic": "tea"}, setup={"fail": "idea 3"}),
]


def make(scenario: Scenario) -> IdeaGenerator:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return IdeaGenerator(model=model, telemetry=False)
