"""AGM008 wrap-run-and-arun: agno 1.x wraps only one of ``run``/``arun``."""

from __future__ import annotations

from typing import List, Set

import libcst as cst

from codemods.patterns import class_method_names, workflow_class_names
from codemods.rule import Rule
from codemods.twins import WRAP_OVERRIDE_SOURCE, marker_of

OVERRIDE_SOURCE = WRAP_OVERRIDE_SOURCE


class WrapRunAndArun(Rule):
    """Keep both ``run()`` and ``arun()`` wrapped by agno's Workflow machinery.

    ## What it does
    To a ``Workflow`` subclass that has both ``run`` and ``arun`` because
    agno-migrate generated one of them (AGM007's marked twins) and no
    ``update_run_method``, adds a small ``update_run_method`` override that
    calls agno's and then routes ``run`` through ``Workflow.run_workflow``
    too.  The override is placed just before ``run``.

    ## Why is this bad
    agno 1.8's ``Workflow.update_run_method`` replaces only ONE entry point
    with its wrapper: when a class defines both, only ``arun`` is wrapped and
    ``run()`` silently loses its ``run_id``, session, memory and storage
    handling.  Adding a native ``arun`` (AGM007) must not break ``run``.

    ## Example
    ```python
    class Assistant(Workflow):
        def run(self, message: str) -> Iterator[RunResponse]: ...
        async def arun(self, message: str) -> AsyncIterator[RunResponse]: ...
    ```
    gains
    ```python
        def update_run_method(self) -> None:
            super().update_run_method()
            if self._subclass_run is not None and self._subclass_arun is not None:
                object.__setattr__(self, "run", self.run_workflow)
    ```

    ## Fix safety
    Changes ``run()`` back to what it did before ``arun()`` existed: agno's
    wrapper handles it again (``run_id`` on every item, memory, storage).  Only
    applied when agno-migrate generated the pair, never to a ``run``/``arun``
    pair written by hand.

    ## Left alone
    * a class whose ``run`` and ``arun`` were both written by hand: agno
      already wrapped only ``arun`` before the migration, and wrapping ``run``
      too would change what it does (reported, with the override to add by
      hand);
    * a ``run()`` that calls ``self.arun(...)``: both wrapped, agno's wrapper
      would run twice (doubled content and memory);
    * a class that overrides ``update_run_method`` itself (or whose base in
      the module does): its override cannot be merged with this one
      provably, so AGM007 does not generate ``arun()`` there (reported by
      AGM007), and nothing is left for this rule to wrap.
    """

    code = "AGM008"
    name = "wrap-run-and-arun"
    summary = "agno 1.x wraps only one of run()/arun(): add an update_run_method override"
    DESCRIPTION = f"{code} {name}: {summary}"  # shown by python -m libcst.tool list
    triggers = ("Workflow",)
    prefilter = ("Workflow", "agm008_may_apply")  # codemods.prefilter: key string, check
    requires = ()
    runs_after = ("AGM007",)
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports nothing in.
    VALID = (
        """\
        from typing import Iterator

        from agno.run.response import RunResponse
        from agno.workflow import Workflow


        class Echo(Workflow):
            def run(self, message: str) -> Iterator[RunResponse]:
                yield RunResponse(content=message)
        """,
    )
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports (and, where it can, rewrites).
    INVALID = (
        """\
        from typing import AsyncIterator, Iterator

        from agno.run.response import RunResponse
        from agno.workflow import Workflow


        class Echo(Workflow):
            def run(self, message: str) -> Iterator[RunResponse]:
                yield RunResponse(content=message)

            # agno-migrate: generated from run(); edit that method, not this one
            async def arun(self, message: str) -> AsyncIterator[RunResponse]:
                yield RunResponse(content=message)
        """,
    )

    def __init__(self, context) -> None:
        super().__init__(context)
        self._workflow_classes: Set[str] = set()
        self._flags: List[bool] = []

    def visit_Module(self, node: cst.Module) -> None:
        self._workflow_classes = workflow_class_names(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._flags.append(node.name.value in self._workflow_classes)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        if not self._flags.pop() or not isinstance(updated_node.body, cst.IndentedBlock):
            return updated_node
        methods = class_method_names(updated_node)
        if not {"run", "arun"} <= methods or "update_run_method" in methods:
            return updated_node
        entry_points = {s.name.value: s for s in updated_node.body.body
                        if isinstance(s, cst.FunctionDef) and s.name.value in ("run", "arun")}
        name = original_node.name.value
        if not any(marker_of(function)[0] == "generated" for function in entry_points.values()):
            self.report(original_node, f"{name} defines run() and arun() itself: agno 1.x wraps only arun(), so "
                        "run() gets no run_id, memory or storage; wrapping it too would change what run() does "
                        "(and run it twice through agno if it calls arun()): add an update_run_method override by "
                        "hand if that is what you want", fixed=False)
            return updated_node
        if _mentions_self_attribute(entry_points["run"], "arun"):
            self.report(original_node, f"{name}.run() calls self.arun(): wrapping both would run agno's wrapper "
                        "twice (content and memory doubled)", fixed=False)
            return updated_node
        override = cst.parse_statement(OVERRIDE_SOURCE.strip() + "\n")
        assert isinstance(override, cst.FunctionDef)
        body = list(updated_node.body.body)
        index = next(i for i, s in enumerate(body) if isinstance(s, cst.FunctionDef) and s.name.value == "run")
        run_method = body[index]
        assert isinstance(run_method, cst.FunctionDef)
        if index > 0:
            override = override.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        if not run_method.leading_lines or run_method.leading_lines[0].comment is not None:
            # One blank line between the override and run() (and run()'s own comments).
            body[index] = run_method.with_changes(leading_lines=[cst.EmptyLine(indent=False),
                                                                 *run_method.leading_lines])
        body.insert(index, override)
        self.report(original_node, f"{name} has run() and arun(): adds update_run_method so agno wraps both")
        return updated_node.with_changes(body=updated_node.body.with_changes(body=body))


def _mentions_self_attribute(function: cst.FunctionDef, attribute: str) -> bool:
    found = False

    class _Finder(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> None:
            nonlocal found
            if node.attr.value == attribute and isinstance(node.value, cst.Name) and node.value.value == "self":
                found = True

    function.visit(_Finder())
    return found
