from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import WeatherReport


def reply(user: str, system: str) -> str:
    return f"sunny in {user.split()[-1]}"


SCENARIOS = [
    Scenario("paris", {"city": "Paris"}),
    Scenario("model fails", {"city": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> WeatherReport:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if fail else None)
    return WeatherReport(model=model, telemetry=False)
