from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Digest


def reply(user: str, system: str) -> str:
    return f"about {user.split()[-1]}"


SCENARIOS = [
    Scenario("roomy budget", {"topics": ["rates", "bonds", "fx"]}, setup={"limit": 1000}),
    Scenario("tight budget", {"topics": ["rates", "bonds", "fx"]}, setup={"limit": 20}),
]


def make(scenario: Scenario) -> Digest:
    return Digest(model=ScriptedModel(responder=reply), limit=scenario.setup["limit"], telemetry=False)
