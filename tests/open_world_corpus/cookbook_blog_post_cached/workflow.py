"""Blog post generator, cookbook style, half migrated to async."""

import asyncio
from typing import AsyncIterator, Iterator, List, Optional

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class Flow(Workflow):
    description: str = "Generate a blog post on a topic."

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.searcher = Agent(name="searcher", model=model, instructions=["Find articles."], telemetry=False)
        self.writer = Agent(name="writer", model=model, instructions=["Write a post."], markdown=True, telemetry=False)

    def run(self, topic: str, use_cache: bool = True) -> Iterator[RunResponse]:
        if use_cache:
            cached = self.get_cached_blog_post(topic)
            if cached:
                yield RunResponse(run_id=self.run_id, content=cached)
                return
        search_results = asyncio.run(self.searcher.arun(f"search {topic}"))
        if search_results is None or not search_results.content:
            yield RunResponse(run_id=self.run_id, content=f"Sorry, could not find any articles on {topic}.")
            return
        for response in asyncio.run(self._collect_async_responses(self._run_write_flow(topic, str(search_results.content)))):
            yield response

    def get_cached_blog_post(self, topic: str) -> Optional[str]:
        return self.session_state.get("blog_posts", {}).get(topic)

    def add_blog_post_to_cache(self, topic: str, blog_post: Optional[str]) -> None:
        self.session_state.setdefault("blog_posts", {})
        self.session_state["blog_posts"][topic] = blog_post

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_write_flow(self, topic: str, articles: str) -> AsyncIterator[RunResponse]:
        parts: List[str] = []
        async for chunk in await self.writer.arun(f"write {topic} from {articles}", stream=True):
            if chunk.content:
                parts.append(chunk.content)
                yield RunResponse(run_id=self.run_id, content=chunk.content)
        self.add_blog_post_to_cache(topic, "".join(parts))
