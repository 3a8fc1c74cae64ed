from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import DigestWriter, HeadlineWriter


def reply(user: str, system: str) -> str:
    return f"Local {user.split()[0]} makes news"


SCENARIOS = [
    Scenario("headline", {"story": "Baker wins prize"}),
    Scenario("editor fails", {"story": "Baker wins prize"}, setup={"fail": "Baker"}),
]


def _model(scenario: Scenario) -> ScriptedModel:
    fail = scenario.setup.get("fail")
    return ScriptedModel(responder=reply, fail_on=(lambda p: fail in p) if fail else None)


def make(scenario: Scenario) -> HeadlineWriter:
    return HeadlineWriter(model=_model(scenario), telemetry=False)


def _digest_run(scenario: Scenario) -> object:
    flow = DigestWriter(model=_model(scenario), telemetry=False)
    try:
        return [r.content for r in flow.run(stories="Mayor resigns | Baker wins prize | Dog elected")]
    except Exception as exc:  # noqa: BLE001
        return f"Error: {type(exc).__name__}: {exc}"


def _digest_arun(scenario: Scenario) -> object:
    """The digest through arun() when the class has one, else through run()."""
    import asyncio

    flow = DigestWriter(model=_model(scenario), telemetry=False)
    if "arun" not in type(flow).__dict__:
        return _digest_run(scenario)

    async def go() -> List[object]:
        return [r.content async for r in flow.arun(stories="Mayor resigns | Baker wins prize | Dog elected")]

    try:
        return asyncio.run(go())
    except Exception as exc:  # noqa: BLE001
        return f"Error: {type(exc).__name__}: {exc}"


from typing import List  # noqa: E402

EXTRA = {"digest_run": _digest_run, "digest_arun": _digest_arun}
