from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import StockAnalyst


def reply(user: str, system: str) -> str:
    return f"buy ({user})"


SCENARIOS = [
    Scenario("aapl", {"ticker": "AAPL"}),
    Scenario("unknown", {"ticker": "ZZZ"}),
    Scenario("analyst fails", {"ticker": "AAPL"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> StockAnalyst:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return StockAnalyst(model=model, telemetry=False)
