from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import EmailDrafter


def reply(user: str, system: str) -> str:
    return f"Hope the {user.split()[-1]} family is well."


SCENARIOS = [
    Scenario("thanks", {"name": "Rivera"}),
    Scenario("apology", {"name": "Rivera", "kind": "apology"}),
    Scenario("no template", {"name": "Rivera", "kind": "invoice"}),
    Scenario("drafter fails", {"name": "Rivera"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> EmailDrafter:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return EmailDrafter(model=model, telemetry=False)
