from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import StockAlert


def reply(user: str, system: str) -> str:
    return f"{user.split()[-1]} launches a new product."


SCENARIOS = [
    Scenario("below", {"ticker": "AAPL"}),
    Scenario("above", {"ticker": "MSFT", "threshold": 300.0}),
    Scenario("unknown", {"ticker": "ZZZ"}),
    Scenario("news fails", {"ticker": "AAPL"}, setup={"fail": "News for"}),
]


def make(scenario: Scenario) -> StockAlert:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return StockAlert(model=model, telemetry=False)
