from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import DueDiligence


def reply(user: str, system: str) -> str:
    return f"no red flags in {user.split()[0]}"


SCENARIOS = [
    Scenario("all reviews", {"company": "Acme"}),
    Scenario("finance fails", {"company": "Acme"}, setup={"fail": "finance"}),
    Scenario("all fail", {"company": "Acme"}, setup={"fail": "Acme"}),
]


def make(scenario: Scenario) -> DueDiligence:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return DueDiligence(model=model, telemetry=False)
