"""The UI side: shows only the content events of a workflow run."""

from typing import List

from agno.run.response import RunResponseContentEvent

from .workflow import StoryWriter


def visible_text(workflow: StoryWriter, premise: str) -> List[str]:
    shown: List[str] = []
    for item in workflow.run(premise=premise):
        if isinstance(item, RunResponseContentEvent):
            shown.append(str(item.content))
    return shown
