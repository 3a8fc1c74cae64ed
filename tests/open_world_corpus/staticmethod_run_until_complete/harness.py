from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import HeadlineWriter


def reply(user: str, system: str) -> str:
    return f"{user.split()[0]}: {user.split()[-1]} wins"


SCENARIOS = [
    Scenario("story", {"story": "cup"}),
    Scenario("tagline fails", {"story": "cup"}, setup={"fail": "tagline"}),
]


def make(scenario: Scenario) -> HeadlineWriter:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return HeadlineWriter(model=model, telemetry=False)
