from agno.agent import Agent
from agno.models.base import Model


def build_writer(model: Model) -> Agent:
    return Agent(name="writer", model=model, telemetry=False)
