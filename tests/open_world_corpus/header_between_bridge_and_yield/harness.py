from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import JobMatcher


def reply(user: str, system: str) -> str:
    return user.replace("pitch ", "great ") + " role"


SCENARIOS = [
    Scenario("python", {"skill": "python"}),
    Scenario("none", {"skill": "cobol"}),
    Scenario("pitcher fails", {"skill": "python"}, setup={"fail": "pitch python trainer"}),
]


def make(scenario: Scenario) -> JobMatcher:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return JobMatcher(model=model, telemetry=False)
