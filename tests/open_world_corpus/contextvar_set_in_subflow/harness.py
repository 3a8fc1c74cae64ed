from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import SupportReplier


def reply(user: str, system: str) -> str:
    return f"re: {user}"


SCENARIOS = [
    Scenario("english", {"ticket": "hello, my order is late"}),
    Scenario("french", {"ticket": "bonjour, ma commande"}),
    Scenario("replier fails", {"ticket": "bonjour"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> SupportReplier:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return SupportReplier(model=model, telemetry=False)
