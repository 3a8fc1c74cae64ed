from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import DebateCoach


def reply(user: str, system: str) -> str:
    return f"strong case {user}"


SCENARIOS = [
    Scenario("pros", {"topic": "homework"}),
    Scenario("cons", {"topic": "homework", "side": "cons"}),
    Scenario("cons fail", {"topic": "homework", "side": "cons"}, setup={"fail": "against"}),
    Scenario("unknown side", {"topic": "homework", "side": "neutral"}),
]


def make(scenario: Scenario) -> DebateCoach:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return DebateCoach(model=model, telemetry=False)
