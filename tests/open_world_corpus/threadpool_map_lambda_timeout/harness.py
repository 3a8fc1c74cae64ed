from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Quotes


def reply(user: str, system: str) -> str:
    return f"ok {user}"


SCENARIOS = [
    Scenario("two", {"symbols": "AAPL MSFT"}),
    Scenario("bad feed", {"symbols": "AAPL BAD MSFT"}),
    Scenario("model fails", {"symbols": "IBM"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Quotes:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "comment" in p) if scenario.setup.get("fail") else None)
    return Quotes(model=model, telemetry=False)
