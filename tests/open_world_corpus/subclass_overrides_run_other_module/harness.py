from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .branded import BrandedFaq


def reply(user: str, system: str) -> str:
    return f"Yes: {user}"


SCENARIOS = [
    Scenario("warranty", {"question": "Is there a warranty?"}),
    Scenario("expert fails", {"question": "Is there a warranty?"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> BrandedFaq:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return BrandedFaq(model=model, telemetry=False)
