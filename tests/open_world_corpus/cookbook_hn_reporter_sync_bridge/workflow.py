"""Hacker News reporter, cookbook style, with a sync run() bridging into the async flow."""

import asyncio
import json
from typing import AsyncIterator, Iterator, List

from agno.agent import Agent, RunResponse
from agno.run.response import RunResponseContentEvent
from agno.workflow import Workflow


class Flow(Workflow):
    description: str = "Get the top stories from Hacker News and write a report on them."

    hn_agent: Agent = Agent(description="Get the top stories from hackernews.", telemetry=False)
    writer: Agent = Agent(description="Write an engaging report.", telemetry=False)

    async def get_top_stories(self, num_stories: int = 3) -> str:
        """Use this function to get top stories from Hacker News."""
        await asyncio.sleep(0)
        return json.dumps([{"title": f"story {n}"} for n in range(num_stories)])

    def run(self, topic: str) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_report_flow(topic)))

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponseContentEvent]) -> List[RunResponseContentEvent]:
        collected: List[RunResponseContentEvent] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_report_flow(self, topic: str) -> AsyncIterator[RunResponseContentEvent]:
        # Set the tools for hn_agent here to avoid circular reference
        self.hn_agent.tools = [self.get_top_stories]
        top_stories: RunResponse = await self.hn_agent.arun(f"top stories on {topic}")
        if top_stories is None or not top_stories.content:
            yield RunResponseContentEvent(run_id=self.run_id, content="Sorry, could not get the top stories.")
            return
        writer_response = await self.writer.arun(str(top_stories.content), stream=True)
        async for response in writer_response:
            if response.content:
                response.run_id = self.run_id
                yield response
