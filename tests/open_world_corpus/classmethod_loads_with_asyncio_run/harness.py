from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Copywriter


def reply(user: str, system: str) -> str:
    return f"<{user}>"


SCENARIOS = [
    Scenario("acme", {"brand": "acme", "product": "rockets"}),
    Scenario("globex", {"brand": "globex", "product": "lamps"}),
    Scenario("unknown brand", {"brand": "unknown", "product": "lamps"}),
    Scenario("writer fails", {"brand": "acme", "product": "rockets"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Copywriter:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return Copywriter(model=model, telemetry=False)
