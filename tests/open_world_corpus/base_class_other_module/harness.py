from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import ClauseExplainer


def reply(user: str, system: str) -> str:
    return f"In short: you cannot {user.split()[-1]}"


SCENARIOS = [
    Scenario("clause", {"clause": "The tenant shall not sublet"}),
    Scenario("lawyer fails", {"clause": "The tenant shall not sublet"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> ClauseExplainer:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return ClauseExplainer(model=model, telemetry=False)
