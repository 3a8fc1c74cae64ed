from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Book


def reply(user: str, system: str) -> str:
    return f"text of {user}"


SCENARIOS = [
    Scenario("two", {"title": "Dune"}),
    Scenario("three", {"title": "Dune", "chapters": 3}),
    Scenario("chapter 2 fails", {"title": "Dune", "chapters": 3}, setup={"fail": "chapter 2"}),
]


def make(scenario: Scenario) -> Book:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return Book(model=model, telemetry=False)
