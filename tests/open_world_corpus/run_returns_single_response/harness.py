from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import ContractSummary


def reply(user: str, system: str) -> str:
    return f"<{user[:12]}>"


SCENARIOS = [
    Scenario("contract", {"contract": "Rent is 900. Pets allowed. No smoking."}),
    Scenario("clause fails", {"contract": "Rent is 900. Pets allowed."}, setup={"fail": "Pets allowed"}),
]


def make(scenario: Scenario) -> ContractSummary:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p == fail) if fail else None)
    return ContractSummary(model=model, telemetry=False)
