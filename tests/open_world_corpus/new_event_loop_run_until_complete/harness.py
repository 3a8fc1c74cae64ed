from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import ResearchDesk


def reply(user: str, system: str) -> str:
    if "search queries" in system:
        return "battery recycling costs"
    return f"Brief: recycling lithium cells is getting cheaper ({len(user)} chars of notes)"


SCENARIOS = [
    Scenario("brief", {"question": "Is battery recycling profitable?"}),
    Scenario("short question", {"question": "Why?"}),
    Scenario("planner fails", {"question": "Is battery recycling profitable?"}, setup={"fail": "profitable"}),
]


def make(scenario: Scenario) -> ResearchDesk:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return ResearchDesk(model=model, telemetry=False)
