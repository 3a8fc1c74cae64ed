from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import BlogPipeline


def reply(user: str, system: str) -> str:
    return "owls hunt at night" if user.startswith("facts") else f"POST: {user[-20:]}"


SCENARIOS = [
    Scenario("owls", {"topic": "owls"}),
    Scenario("research fails", {"topic": "owls"}, setup={"fail": "facts"}),
    Scenario("writer fails", {"topic": "owls"}, setup={"fail": "post"}),
]


def make(scenario: Scenario) -> BlogPipeline:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return BlogPipeline(model=model, telemetry=False)
