from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import SupportTriage


def reply(user: str, system: str) -> str:
    if "Classify" in system:
        return "billing" if "invoice" in user else "other"
    return f"Dear customer, thanks for writing about: {user}"


SCENARIOS = [
    Scenario("billing", {"ticket": "My invoice is wrong"}),
    Scenario("other", {"ticket": "Where is your office?"}),
    Scenario("drafter fails", {"ticket": "My invoice is wrong"}, setup={"fail": "billing:"}),
    Scenario("classifier fails", {"ticket": "My invoice is wrong"}, setup={"fail": "My invoice"}),
]


def make(scenario: Scenario) -> SupportTriage:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return SupportTriage(model=model, telemetry=False)
