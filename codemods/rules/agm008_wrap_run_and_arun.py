"""AGM008 wrap-run-and-arun: agno 1.x wraps only one of ``run``/``arun``."""

from __future__ import annotations

from typing import List, Set

import libcst as cst

from codemods.patterns import class_method_names, workflow_class_names
from codemods.rule import Rule

OVERRIDE_SOURCE = '''
def update_run_method(self) -> None:
    """Have agno wrap run() too: agno 1.x wraps only arun() when both exist (added by agno-migrate)."""
    super().update_run_method()
    if self._subclass_run is not None and self._subclass_arun is not None:
        object.__setattr__(self, "run", self.run_workflow)
'''


class WrapRunAndArun(Rule):
    """Keep both ``run()`` and ``arun()`` wrapped by agno's Workflow machinery.

    ## What it does
    To a ``Workflow`` subclass that defines both ``run`` and ``arun`` but no
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
    """

    code = "AGM008"
    name = "wrap-run-and-arun"
    summary = "agno 1.x wraps only one of run()/arun(): add an update_run_method override"
    triggers = ("Workflow",)

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
        override = cst.parse_statement(OVERRIDE_SOURCE.strip() + "\n")
        assert isinstance(override, cst.FunctionDef)
        body = list(updated_node.body.body)
        index = next(i for i, s in enumerate(body) if isinstance(s, cst.FunctionDef) and s.name.value == "run")
        if index > 0:
            override = override.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
            run_method = body[index]
            assert isinstance(run_method, cst.FunctionDef)
            if not run_method.leading_lines:
                body[index] = run_method.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        body.insert(index, override)
        self.report(original_node, f"{original_node.name.value} defines run() and arun(): "
                    "added update_run_method so agno wraps both")
        return updated_node.with_changes(body=updated_node.body.with_changes(body=body))
