"""A concrete flow module relying on base's imports (star import, as many cookbook-derived packages do)."""

from .base import *  # noqa: F401,F403


def headline(topic: str) -> List[str]:
    async def shout() -> str:
        await asyncio.sleep(0)
        return topic.upper()

    return [asyncio.run(shout())]


def banner(topic: str) -> RunResponseContentEvent:
    return RunResponseContentEvent(content=f"** {headline(topic)[0]} **")
