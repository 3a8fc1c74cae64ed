from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from . import audit
from .workflow import Report


def reply(user: str, system: str) -> str:
    return f"about {user.split()[-1]}"


SCENARIOS = [
    Scenario("rates", {"topic": "rates"}),
]


def make(scenario: Scenario) -> Report:
    audit.TRAIL.clear()
    return Report(model=ScriptedModel(responder=reply), telemetry=False)


def _preview(scenario: Scenario):
    flow = make(scenario)
    first = next(iter(flow.run(**scenario.kwargs)))
    return [first.content, list(audit.TRAIL)]


EXTRA = {"preview": _preview}
