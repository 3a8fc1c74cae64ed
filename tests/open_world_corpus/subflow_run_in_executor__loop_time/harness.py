from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import FilingSummary


def reply(user: str, system: str) -> str:
    return user.replace("summarise ", "short: ")


SCENARIOS = [
    Scenario("two sections", {"filing": "revenue up; costs down"}),
    Scenario("empty filing", {"filing": " ; "}),
    Scenario("summarizer fails", {"filing": "revenue up; costs down"}, setup={"fail": "costs"}),
]


def make(scenario: Scenario) -> FilingSummary:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return FilingSummary(model=model, telemetry=False)
