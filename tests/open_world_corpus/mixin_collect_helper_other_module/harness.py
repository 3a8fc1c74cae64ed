from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Alerts, Digest


def reply(user: str, system: str) -> str:
    return user.upper()


SCENARIOS = [
    Scenario("digest", {"topic": "energy"}, setup={"flow": "digest"}),
    Scenario("alerts", {"keywords": "oil, gas"}, setup={"flow": "alerts"}),
    Scenario("alerts fail", {"keywords": "oil, gas"}, setup={"flow": "alerts", "fail": "gas"}),
    Scenario("digest fails", {"topic": "energy"}, setup={"flow": "digest", "fail": "energy"}),
]


def make(scenario: Scenario):
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    cls = Digest if scenario.setup["flow"] == "digest" else Alerts
    return cls(model=model, telemetry=False)
