from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Researcher


def reply(user: str, system: str) -> str:
    return f"notes on {user}"


SCENARIOS = [
    Scenario("research", {"question": "solar"}),
    Scenario("quick", {"question": "solar", "quick": True}),
    Scenario("risks fail", {"question": "solar"}, setup={"fail": "risks"}),
    Scenario("quick risks fail", {"question": "solar", "quick": True}, setup={"fail": "risks"}),
]


def make(scenario: Scenario) -> Researcher:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return Researcher(model=model, telemetry=False)
