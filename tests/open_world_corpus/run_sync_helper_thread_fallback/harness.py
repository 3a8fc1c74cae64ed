from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import GlossaryBuilder


def reply(user: str, system: str) -> str:
    return "finance" if user.startswith("domain") else user.replace("define ", "the word ")


SCENARIOS = [
    Scenario("two terms", {"terms": "bond, yield"}),
    Scenario("second fails", {"terms": "bond, yield"}, setup={"fail": "define yield"}),
    Scenario("domain fails", {"terms": "bond"}, setup={"fail": "domain"}),
]


def make(scenario: Scenario) -> GlossaryBuilder:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return GlossaryBuilder(model=model, telemetry=False)
