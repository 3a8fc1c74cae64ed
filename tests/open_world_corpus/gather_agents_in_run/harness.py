from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import FaqDigest


def reply(user: str, system: str) -> str:
    return f"answer to {user}"


SCENARIOS = [
    Scenario("two questions", {"questions": ["what is a bond", "what is a stock"]}),
    Scenario("editor fails", {"questions": ["what is a bond"]}, setup={"fail": "Digest"}),
    Scenario("answerer fails", {"questions": ["boom", "fine"]}, setup={"fail": "boom"}),
]


def make(scenario: Scenario) -> FaqDigest:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return FaqDigest(model=model, telemetry=False)
