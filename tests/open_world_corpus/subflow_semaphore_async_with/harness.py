from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import BatchTranslator


def reply(user: str, system: str) -> str:
    return user[::-1]


SCENARIOS = [
    Scenario("two lines", {"lines": "hello | good bye"}),
    Scenario("second fails", {"lines": "hello | good bye"}, setup={"fail": "good"}),
]


def make(scenario: Scenario) -> BatchTranslator:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return BatchTranslator(model=model, telemetry=False)
