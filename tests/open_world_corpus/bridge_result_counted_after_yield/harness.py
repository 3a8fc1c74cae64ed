from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import MeetingNotes


def reply(user: str, system: str) -> str:
    return f"TODO {user.lower()}"


SCENARIOS = [
    Scenario("two items", {"transcript": "Ana sends the deck. Bo books the room."}),
    Scenario("notetaker fails", {"transcript": "Ana sends the deck. Bo books the room."}, setup={"fail": "Bo"}),
]


def make(scenario: Scenario) -> MeetingNotes:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return MeetingNotes(model=model, telemetry=False)
