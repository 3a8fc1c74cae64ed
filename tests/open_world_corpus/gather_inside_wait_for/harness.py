from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import MarketView


def reply(user: str, system: str) -> str:
    return f"{user.split()[0]}ish"


SCENARIOS = [
    Scenario("nvda", {"ticker": "NVDA"}),
    Scenario("bear fails", {"ticker": "NVDA"}, setup={"fail": "bear"}),
    Scenario("slow", {"ticker": "NVDA"}, setup={"latency": 0.5, "timeout": 0.05}),
]


def make(scenario: Scenario) -> MarketView:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None,
                          latency=scenario.setup.get("latency", 0.0))
    return MarketView(model=model, timeout=scenario.setup.get("timeout", 30.0), telemetry=False)
