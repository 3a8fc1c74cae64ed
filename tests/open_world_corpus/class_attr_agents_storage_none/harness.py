from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import HackerNewsReporter


def reply(user: str, system: str) -> str:
    return f"[{user[:24]}]"


SCENARIOS = [
    Scenario("rust", {"topic": "rust"}),
    Scenario("three stories", {"topic": "llms", "num_stories": 3}),
    Scenario("finder fails", {"topic": "rust"}, setup={"fail": "2 stories"}),
    Scenario("writer fails", {"topic": "rust"}, setup={"fail": "digest"}),
]


def make(scenario: Scenario) -> HackerNewsReporter:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    flow = HackerNewsReporter(storage=None, telemetry=False)
    flow.finder = flow.finder.deep_copy(update={"model": model})
    flow.writer = flow.writer.deep_copy(update={"model": model})
    return flow
