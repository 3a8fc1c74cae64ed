from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from . import workflow
from .workflow import Report


def reply(user: str, system: str) -> str:
    return f"about {user.split()[-1]}"


SCENARIOS = [
    Scenario("rates", {"topic": "rates"}),
    Scenario("model fails", {"topic": "boom"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> Report:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: "boom" in p) if fail else None)
    return Report(model=model, telemetry=False)


def _leases(scenario: Scenario):
    flow = make(scenario)
    try:
        out = [r.content for r in flow.run(**scenario.kwargs)]
    except Exception as exc:  # noqa: BLE001
        out = f"Error: {type(exc).__name__}"
    return [out, list(workflow.LEASES)]


def _first_only(scenario: Scenario):
    flow = make(scenario)
    gen = iter(flow.run(**scenario.kwargs))
    first = next(gen).content
    gen.close()
    return [first, list(workflow.LEASES)]


EXTRA = {"leases": _leases, "first_only": _first_only}
