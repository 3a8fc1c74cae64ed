"""The UI side: builds its own banner items with the item type imported from the workflow module."""

from .workflow import Digest, RunResponseContentEvent


def banner(title: str) -> RunResponseContentEvent:
    return RunResponseContentEvent(content=f"== {title} ==")


def render(flow: Digest, topic: str) -> list:
    shown = [banner(topic).content]
    for item in flow.run(topic=topic):
        shown.append(item.content)
    return shown
