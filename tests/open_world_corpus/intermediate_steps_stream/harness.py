from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import StepStreamer


def reply(user: str, system: str) -> str:
    return f"because {user} matters"


SCENARIOS = [
    Scenario("why", {"question": "gravity"}),
    Scenario("agent fails", {"question": "gravity"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> StepStreamer:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return StepStreamer(model=model, telemetry=False)
