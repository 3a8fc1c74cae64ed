from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import MeetingSummary


def reply(user: str, system: str) -> str:
    return f"summary of {user.split()[0] if user.split() else 'nothing'} ({len(user)})"


NOTES = "## budget approved for Q3 ## hiring two engineers ## launch moved to May"

SCENARIOS = [
    Scenario("three sections", {"notes": NOTES}),
    Scenario("no sections", {"notes": "just chatting"}),
    Scenario("section fails", {"notes": NOTES}, setup={"fail": "hiring two engineers"}),
]


def make(scenario: Scenario) -> MeetingSummary:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p == fail) if fail else None)
    return MeetingSummary(model=model, telemetry=False)
