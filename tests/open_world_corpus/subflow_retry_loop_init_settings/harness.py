from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import HeadlineWriter


def reply(user: str, system: str) -> str:
    return user.replace("headline for ", "BREAKING: ")


SCENARIOS = [
    Scenario("first try", {"story": "cats win"}),
    Scenario("second try", {"story": "cats win"}, setup={"flaky": 1}),
    Scenario("gives up", {"story": "cats win"}, setup={"flaky": 5}),
]


def make(scenario: Scenario) -> HeadlineWriter:
    calls = {"n": 0}
    flaky = scenario.setup.get("flaky", 0)

    def fail_on(prompt: str) -> bool:
        calls["n"] += 1
        return calls["n"] <= flaky

    model = ScriptedModel(responder=reply, fail_on=fail_on)
    return HeadlineWriter(model=model, max_attempts=3, backoff=0.001, telemetry=False)
