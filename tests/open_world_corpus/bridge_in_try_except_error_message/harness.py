from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import CodeReviewBot


def reply(user: str, system: str) -> str:
    if "Summarise" in system:
        return f"{user.count('+')} additions"
    return "Looks good, but add a test."


SCENARIOS = [
    Scenario("review", {"diff": "+ a\n+ b\n- c"}),
    Scenario("summarizer fails", {"diff": "+ a"}, setup={"fail": "+ a"}),
    Scenario("reviewer fails after the summary", {"diff": "+ a"}, setup={"fail": "Review:"}),
]


def make(scenario: Scenario) -> CodeReviewBot:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return CodeReviewBot(model=model, telemetry=False)
