from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import InterviewPrep


def reply(user: str, system: str) -> str:
    if "study plan" in system:
        return f"Week 1: review {user.count(chr(10))} answers. Week 2: mock interview."
    return f"A: {user[-20:]}"


SCENARIOS = [
    Scenario("two questions", {"role": "backend", "questions": "What is a mutex?; Explain CAP"}),
    Scenario("one question", {"role": "sre", "questions": "What is an SLO?"}),
    Scenario("expert fails", {"role": "backend", "questions": "What is a mutex?; Explain CAP"}, setup={"fail": "Explain CAP"}),
    Scenario("coach fails", {"role": "backend", "questions": "What is a mutex?"}, setup={"fail": "Plan for"}),
]


def make(scenario: Scenario) -> InterviewPrep:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return InterviewPrep(model=model, telemetry=False)
