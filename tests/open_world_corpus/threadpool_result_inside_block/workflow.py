"""Image-caption workflow: captions come back from a thread pool as they finish."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow


class CaptionWriter(Workflow):
    """Writes a caption for each image name, in input order."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.captioner = Agent(name="captioner", model=model, telemetry=False, instructions=["Caption the image."])

    def run(self, images: str) -> Iterator[RunResponse]:
        names = [n.strip() for n in images.split(",")]
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [pool.submit(asyncio.run, self.captioner.arun(name)) for name in names]
            for name, future in zip(names, futures):
                caption = future.result()
                yield RunResponse(content=f"{name}: {caption.content}\n")
        self.session_state["captioned"] = len(names)
