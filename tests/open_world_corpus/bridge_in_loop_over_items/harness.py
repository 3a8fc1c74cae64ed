from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import PortfolioDigest


def reply(user: str, system: str) -> str:
    return f"{user.split()[-1]} had a quiet week."


SCENARIOS = [
    Scenario("three tickers", {"tickers": "aapl, msft, nvda"}),
    Scenario("one ticker", {"tickers": "tsla"}),
    Scenario("second ticker fails", {"tickers": "aapl, msft, nvda"}, setup={"fail": "MSFT"}),
]


def make(scenario: Scenario) -> PortfolioDigest:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return PortfolioDigest(model=model, telemetry=False)
