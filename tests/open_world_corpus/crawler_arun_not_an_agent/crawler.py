"""A stand-in for a third-party async crawler client (crawl4ai-style API)."""

import asyncio
from dataclasses import dataclass


@dataclass
class CrawlResult:
    url: str
    markdown: str
    success: bool = True


class AsyncWebCrawler:
    """Async-only client: `arun(url=...)` fetches one page."""

    def __init__(self, pages: dict) -> None:
        self.pages = pages

    async def arun(self, url: str) -> CrawlResult:
        await asyncio.sleep(0)
        if url not in self.pages:
            raise ConnectionError(f"cannot reach {url}")
        return CrawlResult(url=url, markdown=self.pages[url])
