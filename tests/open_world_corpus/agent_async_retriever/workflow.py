"""Policy desk: the agent answers from references fetched by an async custom retriever (no tools)."""

import asyncio
from typing import Any, Dict, Iterator, List, Optional

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

POLICIES = {"refund": "refunds within 30 days", "shipping": "ships in 2 days"}


async def policy_retriever(query: str, agent: Optional[Agent] = None, num_documents: int = 5, **kwargs: Any) -> Optional[List[Dict[str, Any]]]:
    """Look the query's keywords up in the policy store (an async client in real life)."""
    await asyncio.sleep(0)
    return [{"content": text} for key, text in POLICIES.items() if key in query]


class PolicyDesk(Workflow):
    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.desk = Agent(name="desk", model=model, retriever=policy_retriever, search_knowledge=True, telemetry=False)

    def run(self, question: str) -> Iterator[RunResponse]:
        answer = asyncio.run(self.desk.arun(question))
        yield RunResponse(content=str(answer.content))
