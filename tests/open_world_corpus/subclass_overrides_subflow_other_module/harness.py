from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .premium import PremiumReport


def reply(user: str, system: str) -> str:
    return f"{user}: revenue up, costs down"


SCENARIOS = [
    Scenario("premium", {"company": "Acme"}),
    Scenario("writer fails", {"company": "Acme"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> PremiumReport:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if scenario.setup.get("fail") else None)
    return PremiumReport(model=model, telemetry=False)
