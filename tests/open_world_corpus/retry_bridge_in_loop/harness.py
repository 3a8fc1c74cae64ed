from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Digest


def reply(user: str, system: str) -> str:
    return f"summary: {user.split()[-1]}"


SCENARIOS = [
    Scenario("steady", {"feed": "news"}),
    Scenario("flaky then fine", {"feed": "flaky"}),
    Scenario("down", {"feed": "down"}),
    Scenario("writer fails", {"feed": "news"}, setup={"fail": "Summarise"}),
]


def make(scenario: Scenario) -> Digest:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return Digest(model=model, telemetry=False)
