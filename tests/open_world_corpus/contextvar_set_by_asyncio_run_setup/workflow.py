"""Support workflow: an async login step sets the current tenant in a ContextVar."""

import asyncio
from contextvars import ContextVar
from typing import Iterator

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

current_tenant: ContextVar[str] = ContextVar("current_tenant", default="public")


async def login(tenant: str) -> str:
    await asyncio.sleep(0)
    current_tenant.set(tenant)
    return f"session-{tenant}"


class Support(Workflow):
    """Answers a ticket for a tenant."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.helper = Agent(name="helper", model=model, telemetry=False)

    def run(self, tenant: str, ticket: str) -> Iterator[RunResponse]:
        session = asyncio.run(login(tenant))
        yield RunResponse(content=f"{session} as {current_tenant.get()}\n")
        answer = self.helper.run(f"[{current_tenant.get()}] {ticket}")
        yield RunResponse(content=str(answer.content))
