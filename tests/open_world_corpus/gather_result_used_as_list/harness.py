from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Translator


def reply(user: str, system: str) -> str:
    lang, _, text = user.partition(": ")
    return f"[{lang}] {text}"


SCENARIOS = [
    Scenario("hello", {"text": "hello"}),
    Scenario("model fails", {"text": "boom"}, setup={"fail": True}),
    Scenario("german fails", {"text": "hi"}, setup={"fail_de": True}),
]


def make(scenario: Scenario) -> Translator:
    if scenario.setup.get("fail"):
        fail = lambda p: "boom" in p
    elif scenario.setup.get("fail_de"):
        fail = lambda p: p.startswith("de:")
    else:
        fail = None
    model = ScriptedModel(responder=reply, fail_on=fail)
    return Translator(model=model, telemetry=False)
