"""Note: ScriptedModel never asks for tool calls; the difference shows up anyway,
because agno 1.8.4's sync Agent.run() refuses agents that have async tools."""

from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .workflow import FlightStatus


def reply(user: str, system: str) -> str:
    return f"Flight {user.split()[-1]} is on time."


SCENARIOS = [
    Scenario("status", {"question": "Where is LH400"}),
    Scenario("model fails", {"question": "Where is LH400"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> FlightStatus:
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if scenario.setup.get("fail") else None)
    return FlightStatus(model=model, telemetry=False)
