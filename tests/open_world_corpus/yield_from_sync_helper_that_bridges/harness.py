from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import FaqBot


def reply(user: str, system: str) -> str:
    return f"yes, {user.lower()}"


SCENARIOS = [
    Scenario("question", {"question": "Do you ship abroad?"}),
    Scenario("blank", {"question": "  "}),
    Scenario("answerer fails", {"question": "Refunds?"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> FaqBot:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return FaqBot(model=model, telemetry=False)
