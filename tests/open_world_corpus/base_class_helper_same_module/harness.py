from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import FaqBot, RefundDesk


def reply(user: str, system: str) -> str:
    if "refund" in system:
        return "approved" if "broken" in user else "denied"
    return f"Our opening hours are 9 to 5 ({user})"


SCENARIOS = [
    Scenario("faq", {"question": "When are you open?"}),
    Scenario("faq fails", {"question": "When are you open?"}, setup={"fail": "open"}),
]


def make(scenario: Scenario) -> FaqBot:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    return FaqBot(model=model, telemetry=False)


def _refund(scenario: Scenario) -> object:
    """RefundDesk, the second class using the base-class helper."""
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)
    desk = RefundDesk(model=model, telemetry=False)
    try:
        items = [r.content for r in desk.run(request="my blender arrived broken")]
    except Exception as exc:  # noqa: BLE001
        return f"Error: {type(exc).__name__}: {exc}"
    return items + [desk.session_state.get("decisions")]


EXTRA = {"refund_desk": _refund}
