"""The UI side: builds its own banner items with the types the workflow module exports."""

from .workflow import *  # noqa: F401,F403
from .workflow import RunResponseContentEvent as Event


def banner(title: str) -> "Event":
    return Event(content=f"== {title} ==")


def render(flow: "Digest", topic: str) -> list:
    shown = [banner(topic).content]
    for item in flow.run(topic=topic):
        shown.append(item.content)
    footer = RunResponseContentEvent(content="(end)")
    shown.append(footer.content)
    return shown
