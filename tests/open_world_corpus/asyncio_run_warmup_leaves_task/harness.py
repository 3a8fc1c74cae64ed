
from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Briefing

def reply(user: str, system: str) -> str:
    return f"brief: {user}"

SCENARIOS = [
    Scenario("markets", {"topic": "markets"}),
    Scenario("fails", {"topic": "boom"}, setup={"fail": True}),
]

def make(scenario: Scenario) -> Briefing:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if scenario.setup.get("fail") else None,
                          )
    return Briefing(model=model, telemetry=False)
