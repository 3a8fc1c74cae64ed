from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import SentimentCheck


def reply(user: str, system: str) -> str:
    return "positive" if "love" in user else "negative"


SCENARIOS = [
    Scenario("positive", {"review": "I love it"}),
    Scenario("negative", {"review": "Broke in a day"}),
    Scenario("classifier fails", {"review": "I love it"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> SentimentCheck:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if scenario.setup.get("fail") else None)
    return SentimentCheck(model=model, telemetry=False)
