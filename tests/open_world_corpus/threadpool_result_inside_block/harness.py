from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import CaptionWriter


def reply(user: str, system: str) -> str:
    return f"a photo of {user.split('.')[0]}"


SCENARIOS = [
    Scenario("three images", {"images": "cat.jpg, dog.png, bird.gif"}),
    Scenario("dog fails", {"images": "cat.jpg, dog.png, bird.gif"}, setup={"fail": "dog.png"}),
]


def make(scenario: Scenario) -> CaptionWriter:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p == fail) if fail else None)
    return CaptionWriter(model=model, telemetry=False)
