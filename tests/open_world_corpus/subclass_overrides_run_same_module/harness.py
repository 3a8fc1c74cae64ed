from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import BrandedNewsletter


def reply(user: str, system: str) -> str:
    return f"this week: {user.split()[-1]} news"


SCENARIOS = [
    Scenario("gardening", {"topic": "gardening"}),
    Scenario("writer fails", {"topic": "gardening"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> BrandedNewsletter:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return BrandedNewsletter(model=model, telemetry=False)
