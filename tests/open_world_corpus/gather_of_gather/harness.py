from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import MarketBrief


def reply(user: str, system: str) -> str:
    return f"bullish on {user.split()[-1]}"


SCENARIOS = [
    Scenario("two", {"symbols": "AAPL,MSFT"}),
    Scenario("bad quote", {"symbols": "AAPL,BAD"}),
    Scenario("model fails", {"symbols": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> MarketBrief:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if fail else None)
    return MarketBrief(model=model, telemetry=False)
