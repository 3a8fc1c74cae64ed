from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import OutlineWriter


def reply(user: str, system: str) -> str:
    return f"1. Why {user} 2. How {user} 3. Next steps"


SCENARIOS = [
    Scenario("outline", {"topic": "remote work"}),
    Scenario("outliner fails", {"topic": "remote work"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> OutlineWriter:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if scenario.setup.get("fail") else None)
    return OutlineWriter(model=model, telemetry=False)
