from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import ServiceDesk


def reply(user: str, system: str) -> str:
    return f"done: {user}"


SCENARIOS = [
    Scenario("refund", {"intent": "refund"}),
    Scenario("status", {"intent": "status", "order": "B2"}),
    Scenario("where", {"intent": "where"}),
    Scenario("urgent", {"intent": "urgent: broken box"}),
    Scenario("other", {"intent": "jokes"}),
    Scenario("refund fails", {"intent": "refund"}, setup={"fail": "refund"}),
    Scenario("status fails", {"intent": "status"}, setup={"fail": "status"}),
]


def make(scenario: Scenario) -> ServiceDesk:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return ServiceDesk(model=model, telemetry=False)
