from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Translator


def reply(user: str, system: str) -> str:
    lang = user.split(":")[0].split()[-1]
    return f"<{lang}> {user.split(':', 1)[1].strip()}"


SCENARIOS = [
    Scenario("two languages", {"text": "good morning"}),
    Scenario("three languages", {"text": "thank you", "languages": "es,it,pt"}),
    Scenario("german fails", {"text": "good morning"}, setup={"fail": "into de"}),
]


def make(scenario: Scenario) -> Translator:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return Translator(model=model, telemetry=False)
