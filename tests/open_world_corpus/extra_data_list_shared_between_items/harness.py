from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Research


def reply(user: str, system: str) -> str:
    return f"about {user.split()[-1]}"


SCENARIOS = [
    Scenario("three", {"topics": ["rates", "bonds", "fx"]}),
    Scenario("fails", {"topics": ["rates", "boom"]}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Research:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if fail else None)
    return Research(model=model, telemetry=False)


def _sse(scenario: Scenario):
    """An SSE endpoint: serialises each item the moment it arrives."""
    flow = make(scenario)
    events = []
    try:
        for r in flow.run(**scenario.kwargs):
            events.append([r.content, [m.query for m in r.extra_data.references]])
        return events
    except Exception as exc:  # noqa: BLE001
        return f"Error: {type(exc).__name__}: {exc}"


EXTRA = {"sse": _sse}
