from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import HaikuWorkflow


def reply(user: str, system: str) -> str:
    if "season" in system:
        return "autumn"
    return f"{user} / falling softly / gone"


SCENARIOS = [
    Scenario("picked season", {"subject": "leaves"}),
    Scenario("given season", {"subject": "snow", "season": "winter"}),
    Scenario("poet fails", {"subject": "leaves"}, setup={"fail": "haiku about"}),
]


def make(scenario: Scenario) -> HaikuWorkflow:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    flow = HaikuWorkflow(telemetry=False)
    # Class-level agents are shared; give them this scenario's model (runs are sequential).
    HaikuWorkflow.season_picker.model = model
    HaikuWorkflow.poet.model = model
    return flow
