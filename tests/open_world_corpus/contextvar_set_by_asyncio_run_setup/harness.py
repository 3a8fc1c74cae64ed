from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Support


def reply(user: str, system: str) -> str:
    return f"re: {user}"


SCENARIOS = [
    Scenario("acme", {"tenant": "acme", "ticket": "login broken"}),
    Scenario("fails", {"tenant": "acme", "ticket": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Support:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if scenario.setup.get("fail") else None)
    return Support(model=model, telemetry=False)
