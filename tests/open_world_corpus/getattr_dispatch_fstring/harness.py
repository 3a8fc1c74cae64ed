from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import SupportDesk


def reply(user: str, system: str) -> str:
    return f"sorted out: {user}"


SCENARIOS = [
    Scenario("billing", {"ticket": "double charge", "category": "billing"}),
    Scenario("tech", {"ticket": "login broken", "category": "tech"}),
    Scenario("tech fails", {"ticket": "login broken", "category": "tech"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> SupportDesk:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return SupportDesk(model=model, telemetry=False)
