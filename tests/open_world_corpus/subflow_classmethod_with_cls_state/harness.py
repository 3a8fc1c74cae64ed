from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Glossary, ShortGlossary


def reply(user: str, system: str) -> str:
    return f"meaning of {user.split()[-1]}"


SCENARIOS = [
    Scenario("two", {"terms": ["bond", "yield"]}),
    Scenario("numbered", {"terms": ["bond"], "numbered": True}, setup={"short": True}),
    Scenario("fails", {"terms": ["bond", "boom"]}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Glossary:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if fail else None)
    cls = ShortGlossary if scenario.setup.get("short") else Glossary
    return cls(model=model, telemetry=False)
