from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Screen


def reply(user: str, system: str) -> str:
    return f"summary of {len(user.split(';'))} screens"


SCENARIOS = [
    Scenario("clear", {"names": ["acme", "globex"]}),
    Scenario("halt", {"names": ["acme", "sanctioned-co"]}),
]


def make(scenario: Scenario) -> Screen:
    return Screen(model=ScriptedModel(responder=reply), telemetry=False)
