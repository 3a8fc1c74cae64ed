from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import PaperDigest


def reply(user: str, system: str) -> str:
    return user.split(" of ")[0] + " ok"


SCENARIOS = [
    Scenario("digest", {"title": "Attention"}),
    Scenario("keywords fail", {"title": "Attention"}, setup={"fail": "keywords"}),
    Scenario("both fail", {"title": "Attention"}, setup={"fail": ""}),
]


def make(scenario: Scenario) -> PaperDigest:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail is not None else None)
    return PaperDigest(model=model, telemetry=False)
