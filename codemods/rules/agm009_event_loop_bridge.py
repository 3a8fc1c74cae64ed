"""AGM009 event-loop-bridge: report every event loop a workflow still starts."""

from __future__ import annotations

from typing import List

import libcst as cst

from codemods import verify
from codemods.finding import Finding
from codemods.rule import Rule


class EventLoopBridge(Rule):
    """Report event-loop bridges left in Workflow code that no rule rewrote.

    ## What it does
    Runs after every other rule and reports, as ``[left alone]``, each call
    inside an ``agno.workflow.Workflow`` subclass (or a class whose base is
    imported from another module of the project, in a module that uses agno)
    that starts or drives an event loop: ``asyncio.run(...)`` (any alias), ``loop.run_until_complete``,
    ``asyncio.new_event_loop()``, ``asyncio.Runner``, ``nest_asyncio.apply``,
    ``anyio.run``, and a loop runner handed to a thread
    (``pool.submit(asyncio.run, coro)``).  It never changes code: a spot
    another rule already reported on the same line is not reported twice.
    ``check`` therefore never calls a file clean while a workflow still
    holds a bridge.  The ``_BlockingTaskGroup`` boundary that AGM006/AGM007
    generate is the sanctioned way into async code from sync code and is not
    reported.

    ## Why is this bad
    A bridge collects a whole async generator (no streaming) and raises
    "cannot be called from a running event loop" as soon as the workflow is
    used from async code (``arun``, FastAPI, Streamlit's async runtime).
    agno-migrate rewrites the forms it can prove (AGM002, AGM004); the rest
    need a human.

    ## Example
    ```python
    def run(self, message: str) -> Iterator[RunResponse]:
        loop = asyncio.new_event_loop()
        yield from loop.run_until_complete(self._collect(self._report(message)))
    ```
    is reported twice (``new_event_loop`` and ``run_until_complete``), and
    left as it is.

    ## Fix safety
    No fix: report only.

    ## Left alone
    Every spot it reports; it rewrites nothing.
    """

    code = "AGM009"
    fix_safety = "none"  # report only
    name = "event-loop-bridge"
    summary = "a workflow still starts an event loop no rule could rewrite: rewrite it by hand"
    DESCRIPTION = f"{code} {name}: {summary}"  # shown by python -m libcst.tool list
    triggers = ("agno",)
    prefilter = ("agno", "agm009_may_apply")  # codemods.prefilter: key string, check
    requires = ()
    runs_after = ("AGM001", "AGM002", "AGM003", "AGM004", "AGM005", "AGM006", "AGM007", "AGM008")  # reports what they left
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports nothing in.
    VALID = (
        """\
        import asyncio


        def main() -> None:
            asyncio.run(asyncio.sleep(0))
        """,
    )
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports (and, where it can, rewrites).
    INVALID = (
        """\
        import asyncio
        from typing import Iterator

        from agno.agent import Agent
        from agno.run.response import RunResponse
        from agno.workflow import Workflow


        class Assistant(Workflow):
            agent: Agent

            def run(self, message: str) -> Iterator[RunResponse]:
                loop = asyncio.new_event_loop()
                answer = loop.run_until_complete(self.agent.arun(message))
                yield RunResponse(content=answer.content)
        """,
    )
    reports_leftovers = True

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        path = self.context.filename or "<string>"
        for finding in self.leftover_findings(path, tree.code):
            self.report_at(finding.line, finding.column, finding.message, fixed=False)
        return tree

    @classmethod
    def leftover_findings(cls, path: str, text: str) -> List[Finding]:
        """The findings for ``text`` (no LibCST needed: the engine calls this on text it takes back)."""
        return [
            Finding(path=path, line=bridge.line, column=bridge.column, code=cls.code, fixed=False,
                    message=f"{bridge.call}() starts an event loop in workflow {bridge.owner}: no rule rewrites "
                            "this form (it collects instead of streaming and fails under a running loop); "
                            "rewrite by hand")
            for bridge in verify.event_loop_bridges(text, path)
        ]
