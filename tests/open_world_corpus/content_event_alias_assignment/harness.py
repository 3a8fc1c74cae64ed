from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import QuoteBot


def reply(user: str, system: str) -> str:
    return f"to be or not to be says {user}"


SCENARIOS = [
    Scenario("hamlet", {"person": "hamlet"}),
    Scenario("model fails", {"person": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> QuoteBot:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if fail else None)
    return QuoteBot(model=model, telemetry=False)
