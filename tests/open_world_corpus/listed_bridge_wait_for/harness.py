from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Summarizer


def reply(user: str, system: str) -> str:
    return f"short version of {user}"


SCENARIOS = [
    Scenario("summary", {"text": "the annual report"}),
    Scenario("writer fails", {"text": "the annual report"}, setup={"fail": "Summarize"}),
]


def make(scenario: Scenario) -> Summarizer:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return Summarizer(model=model, telemetry=False)
