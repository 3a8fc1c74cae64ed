from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import PressRelease


def reply(user: str, system: str) -> str:
    return f"a revolutionary {user}"


SCENARIOS = [
    Scenario("points", {"product": "kettle"}),
    Scenario("quote", {"product": "kettle", "points": False}, setup={"tone": "bold"}),
    Scenario("three points", {"product": "kettle"}, setup={"max_points": 3}),
    Scenario("point fails", {"product": "kettle"}, setup={"fail": "point 2"}),
    Scenario("headline fails", {"product": "kettle"}, setup={"fail": "neutral headline"}),
]


def make(scenario: Scenario) -> PressRelease:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    flow = PressRelease(telemetry=False)
    flow.writer = flow.writer.deep_copy(update={"model": model})
    flow.tone = scenario.setup.get("tone", "neutral")
    flow.max_points = scenario.setup.get("max_points", 2)
    return flow
