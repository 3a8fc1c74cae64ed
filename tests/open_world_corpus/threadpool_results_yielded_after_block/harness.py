from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import CompetitorScan


def reply(user: str, system: str) -> str:
    return f"summary<{user}>"


SCENARIOS = [
    Scenario("two competitors", {"competitors": "acme, globex"}),
    Scenario("second page missing", {"competitors": "acme, initech"}),
    Scenario("analyst fails", {"competitors": "acme, globex"}, setup={"fail": "Globex"}),
]


def make(scenario: Scenario) -> CompetitorScan:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return CompetitorScan(model=model, telemetry=False)
