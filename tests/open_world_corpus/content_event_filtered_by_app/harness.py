from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .app import visible_text
from .workflow import StoryWriter


def reply(user: str, system: str) -> str:
    return f"Once, the {user}."


SCENARIOS = [
    Scenario("dragon", {"premise": "a shy dragon"}),
    Scenario("author fails", {"premise": "a shy dragon"}, setup={"fail": "end"}),
]


def make(scenario: Scenario) -> StoryWriter:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    return StoryWriter(model=model, telemetry=False)


def _shown(scenario: Scenario):
    try:
        return visible_text(make(scenario), **scenario.kwargs)
    except Exception as exc:  # noqa: BLE001
        return f"Error: {type(exc).__name__}: {exc}"


EXTRA = {"app_visible_text": _shown}
