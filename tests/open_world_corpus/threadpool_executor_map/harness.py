from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import RegionalForecast


def reply(user: str, system: str) -> str:
    return f"+5% ({user})"


SCENARIOS = [
    Scenario("three regions", {"regions": "emea, apac, us"}),
    Scenario("no data", {"regions": "emea, mars"}),
    Scenario("forecaster fails", {"regions": "emea, apac"}, setup={"fail": "apac"}),
]


def make(scenario: Scenario) -> RegionalForecast:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return RegionalForecast(model=model, telemetry=False)
