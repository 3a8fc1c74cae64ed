from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import AnalystAssistant


def reply(user: str, system: str) -> str:
    if "key facts" in system:
        return f"{user} grew 5%; {user} hired 200 people"
    if "report" in system:
        return f"REPORT. {user}"
    return f"Short answer about {user}"


SCENARIOS = [
    Scenario("answer", {"request": "inflation"}),
    Scenario("research", {"request": "Acme", "mode": "research"}),
    Scenario("report", {"request": "Acme", "mode": "report"}),
    Scenario("report writer fails", {"request": "Acme", "mode": "report"}, setup={"fail": "Report on"}),
    Scenario("research fails", {"request": "Acme", "mode": "research"}, setup={"fail": "Acme"}),
]


def make(scenario: Scenario) -> AnalystAssistant:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return AnalystAssistant(model=model, telemetry=False)
