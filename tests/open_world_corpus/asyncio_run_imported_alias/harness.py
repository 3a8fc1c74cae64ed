from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import ReleaseNotes


def reply(user: str, system: str) -> str:
    return "Features: " + ", ".join(p.strip() for p in user.split(";"))


SCENARIOS = [
    Scenario("two changes", {"changes": "add dark mode; fix login", "version": "2.1.0"}),
    Scenario("editor fails", {"changes": "add dark mode"}, setup={"fail": "dark"}),
]


def make(scenario: Scenario) -> ReleaseNotes:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return ReleaseNotes(model=model, telemetry=False)
