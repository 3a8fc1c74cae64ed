from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import MarketBrief


def reply(user: str, system: str) -> str:
    return f"calm {user.split()[-1]}"


SCENARIOS = [
    Scenario("ok", {"tickers": ["AAPL", "MSFT"], "delays": {}}),
    Scenario("timeout only", {"tickers": ["AAPL", "SLOWCO"], "delays": {}}),
    # XBAD comes first but fails late; SLOWCO fails first in time: gather raises FeedTimeout.
    Scenario("two failures", {"tickers": ["XBAD", "SLOWCO"], "delays": {"XBAD": 0.05}}),
    # XBAD fails first in time: gather raises QuoteError.
    Scenario("two failures other order", {"tickers": ["SLOWCO", "XBAD"], "delays": {"SLOWCO": 0.05}}),
]


def make(scenario: Scenario) -> MarketBrief:
    return MarketBrief(model=ScriptedModel(responder=reply), telemetry=False)
