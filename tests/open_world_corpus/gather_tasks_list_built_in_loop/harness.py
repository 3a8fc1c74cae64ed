from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Panel


def reply(user: str, system: str) -> str:
    return f"view on {user}"


SCENARIOS = [
    Scenario("all", {"question": "rates up?"}),
    Scenario("skeptic fails", {"question": "rates up?"}, setup={"fail": "skeptic"}),
    Scenario("all fail", {"question": "boom"}, setup={"fail": "boom"}),
]


def make(scenario: Scenario) -> Panel:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return Panel(model=model, telemetry=False)
