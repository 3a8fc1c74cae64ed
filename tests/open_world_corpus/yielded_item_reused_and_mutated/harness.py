from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Progress


def reply(user: str, system: str) -> str:
    return f"about {user.split()[-1]}"


SCENARIOS = [
    Scenario("three", {"topics": ["rates", "bonds", "fx"]}),
    Scenario("one", {"topics": ["rates"]}),
    Scenario("fails", {"topics": ["rates", "boom"]}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Progress:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if fail else None)
    return Progress(model=model, telemetry=False)


def _texts(scenario: Scenario):
    flow = make(scenario)
    try:
        return [r.content for r in flow.run(**scenario.kwargs)] + [flow.run_response.content]
    except Exception as exc:  # noqa: BLE001
        return f"Error: {type(exc).__name__}: {exc}"


EXTRA = {"texts_as_seen": _texts}
