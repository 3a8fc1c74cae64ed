from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Translator


def reply(user: str, system: str) -> str:
    return f"fr({user})"


SCENARIOS = [
    Scenario("hello cat", {"text": "hello cat"}),
    Scenario("no terms", {"text": "good night"}),
    Scenario("translator fails", {"text": "hello"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Translator:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return Translator(model=model, telemetry=False)
