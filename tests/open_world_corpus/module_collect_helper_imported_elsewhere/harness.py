from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import PodcastNotes


def reply(user: str, system: str) -> str:
    return f"summary of {user.split()[-1]}"


SCENARIOS = [
    Scenario("ep1", {"episode": "ep1"}),
    Scenario("model fails", {"episode": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> PodcastNotes:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if fail else None)
    return PodcastNotes(model=model, telemetry=False)


def _titles(scenario: Scenario):
    from . import cli
    return cli.list_titles("intro; rates; outro")


EXTRA = {"titles": _titles}
