from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import WeeklyReport


def reply(user: str, system: str) -> str:
    return f"Summary - {user}"


SCENARIOS = [
    Scenario("core", {"team": "core"}),
    Scenario("unknown team", {"team": "ghost"}),
    Scenario("reporter fails", {"team": "core"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> WeeklyReport:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return WeeklyReport(model=model, telemetry=False)
