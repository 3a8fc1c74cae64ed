from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import QuoteOfTheDay


def reply(user: str, system: str) -> str:
    if "Pick a theme" in system:
        return "courage" if "nervous" in user else "patience"
    return f"'Quote about {user.split(':')[-1].strip()}'"


SCENARIOS = [
    Scenario("nervous", {"mood": "I am nervous"}),
    Scenario("calm", {"mood": "calm"}),
    Scenario("slow curator times out", {"mood": "calm"}, setup={"latency": 0.5, "timeout": 0.1}),
    Scenario("quoter fails", {"mood": "calm"}, setup={"fail": "Theme:"}),
]


def make(scenario: Scenario) -> QuoteOfTheDay:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None,
                          latency=scenario.setup.get("latency", 0.0))
    return QuoteOfTheDay(model=model, timeout=scenario.setup.get("timeout", 5.0), telemetry=False)
