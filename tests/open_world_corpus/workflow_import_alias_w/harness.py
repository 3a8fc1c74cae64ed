from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import PoemFlow


def reply(user: str, system: str) -> str:
    return f"the {user.split()[-1]} sings"


SCENARIOS = [
    Scenario("sea", {"theme": "sea"}),
    Scenario("line 1 fails", {"theme": "sea", "lines": 3}, setup={"fail": "line 1"}),
]


def make(scenario: Scenario) -> PoemFlow:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return PoemFlow(model=model, telemetry=False)
