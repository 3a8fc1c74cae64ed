from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import QuoteBoard


def reply(user: str, system: str) -> str:
    return "hold" if "AAPL" in user else "buy"


SCENARIOS = [
    Scenario("two", {"symbols": ["AAPL", "NVDA"]}),
    Scenario("one missing", {"symbols": ["NVDA", "ZZZ"]}),
    Scenario("none", {"symbols": []}),
    Scenario("analyst fails", {"symbols": ["AAPL"]}, setup={"fail": "View on AAPL"}),
]


def make(scenario: Scenario) -> QuoteBoard:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return QuoteBoard(model=model, telemetry=False)
