from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import KeywordExtractor


def reply(user: str, system: str) -> str:
    return " ".join(user.split()[-2:])


SCENARIOS = [
    Scenario("two paragraphs", {"text": "cats chase mice\n\ndogs chase cats"}),
    Scenario("note fails", {"text": "cats chase mice"}, setup={"fail": "note"}),
    Scenario("extract fails", {"text": "a b\n\nc d"}, setup={"fail": "keywords of c"}),
]


def make(scenario: Scenario) -> KeywordExtractor:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return KeywordExtractor(model=model, telemetry=False)
