from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Critic, Summarizer


def reply(user: str, system: str) -> str:
    return f"ok ({user})"


SCENARIOS = [
    Scenario("summary", {"text": "a long essay"}, setup={"cls": "summary"}),
    Scenario("summary fails", {"text": "a long essay"}, setup={"cls": "summary", "fail": "summary"}),
    Scenario("critique", {"text": "a poem"}, setup={"cls": "critic"}),
    Scenario("critique facts fail", {"text": "a poem"}, setup={"cls": "critic", "fail": "facts"}),
]


def make(scenario: Scenario):
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    cls = Summarizer if scenario.setup["cls"] == "summary" else Critic
    return cls(model=model, telemetry=False)
