from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import CodeReviewer


def reply(user: str, system: str) -> str:
    return "lgtm" if user.endswith(".py") else "check this"


SCENARIOS = [
    Scenario("three files", {"diff": "a.py b.lock c.md"}),
    Scenario("truncated", {"diff": "a.py b.py c.py", "max_files": 2}),
    Scenario("empty", {"diff": "  "}),
    Scenario("second file fails", {"diff": "a.py b.py c.py"}, setup={"fail": "review b.py"}),
]


def make(scenario: Scenario) -> CodeReviewer:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p == fail) if fail else None)
    return CodeReviewer(model=model, telemetry=False)
