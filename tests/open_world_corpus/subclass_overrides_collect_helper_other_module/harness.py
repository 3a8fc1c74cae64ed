from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .audited import AuditedChangelog


def reply(user: str, system: str) -> str:
    return f"{user} (fix)"


SCENARIOS = [
    Scenario("with a blank", {"commits": "patch parser; ; bump deps"}),
    Scenario("writer fails", {"commits": "patch parser; bump deps"}, setup={"fail": "bump"}),
]


def make(scenario: Scenario) -> AuditedChangelog:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return AuditedChangelog(model=model, telemetry=False)
