"""A team's branded variant of the FAQ: adds a header, a footer and a counter."""

from typing import Iterator

from agno.agent import RunResponse

from .workflow import ProductFaq


class BrandedFaq(ProductFaq):
    def run(self, question: str) -> Iterator[RunResponse]:
        self.session_state["answered"] = self.session_state.get("answered", 0) + 1
        yield RunResponse(content="[Acme support]\n")
        yield from super().run(question)
        yield RunResponse(content="\n-- reply #%d" % self.session_state["answered"])
