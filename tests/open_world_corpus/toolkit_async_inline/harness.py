from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .tools import WeatherTools
from .workflow import TripAdvisor


def reply(user: str, system: str) -> str:
    return f"pack sunglasses ({user})"


SCENARIOS = [
    Scenario("rome", {"city": "Rome"}),
    Scenario("tool fails", {"city": "Rome"}, setup={"tool_fail": True}),
    Scenario("advisor fails", {"city": "Rome"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> TripAdvisor:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return TripAdvisor(model=model, tool_fail=scenario.setup.get("tool_fail", False), telemetry=False)
