from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Pricing


def reply(user: str, system: str) -> str:
    return f"total {user}"


SCENARIOS = [
    Scenario("two", {"skus": ["abc", "de"]}),
    Scenario("bad", {"skus": ["abc", "bad"]}),
]


def make(scenario: Scenario) -> Pricing:
    return Pricing(model=ScriptedModel(responder=reply), telemetry=False)
