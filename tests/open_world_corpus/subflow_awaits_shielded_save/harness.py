from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import NewsletterDrafter


def reply(user: str, system: str) -> str:
    return f"This week: {user}"


SCENARIOS = [
    Scenario("ai", {"topic": "ai"}),
    Scenario("writer fails", {"topic": "ai"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> NewsletterDrafter:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return NewsletterDrafter(model=model, telemetry=False)
