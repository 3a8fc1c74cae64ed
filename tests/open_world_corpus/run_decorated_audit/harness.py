from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import SupportDesk


def reply(user: str, system: str) -> str:
    return f"try restarting {user.split()[-1]}"


SCENARIOS = [
    Scenario("printer", {"ticket": "printer"}),
    Scenario("model fails", {"ticket": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> SupportDesk:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if fail else None)
    return SupportDesk(model=model, telemetry=False)
