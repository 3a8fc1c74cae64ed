import asyncio

from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import Onboarding


def reply(user: str, system: str) -> str:
    return f"{user}: done"


SCENARIOS = [
    Scenario("sync callback only", {"hire": "Kim"}),
    Scenario("both callbacks", {"hire": "Kim"}, setup={"events": True}),
    Scenario("laptop fails", {"hire": "Kim"}, setup={"events": True, "fail": "laptop"}),
]


def make(scenario: Scenario) -> Onboarding:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: p.startswith(fail)) if fail else None)
    holder = {}

    def on_progress(step: int, total: int) -> None:
        holder["flow"].session_state.setdefault("log", []).append(f"progress {step}/{total}")

    async def on_event(name: str) -> None:
        await asyncio.sleep(0)
        holder["flow"].session_state.setdefault("log", []).append(name)

    flow = Onboarding(model=model, on_progress=on_progress,
                      on_event=on_event if scenario.setup.get("events") else None, telemetry=False)
    holder["flow"] = flow
    return flow
