from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import ReportWriter


def reply(user: str, system: str) -> str:
    return f"paragraph about {user.split()[-1]}"


SCENARIOS = [
    Scenario("nested", {"outline": "energy/solar/panels/cells"}),
    Scenario("flat", {"outline": "energy"}),
    Scenario("deep fails", {"outline": "energy/solar/panels"}, setup={"fail": "panels"}),
]


def make(scenario: Scenario) -> ReportWriter:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return ReportWriter(model=model, telemetry=False)
