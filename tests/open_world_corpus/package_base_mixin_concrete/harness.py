from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Greeter


def reply(user: str, system: str) -> str:
    return f"welcome, {user[6:]}!"


SCENARIOS = [
    Scenario("alice", {"user": "alice"}),
    Scenario("bob", {"user": "bob"}),
    Scenario("profile fails", {"user": ""}),
    Scenario("host fails", {"user": "alice"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Greeter:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return Greeter(model=model, telemetry=False)
