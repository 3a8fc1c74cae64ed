"""AGM003 remove-collect-helper: delete ``_collect_async_responses`` once unused."""

from __future__ import annotations

import ast
from typing import Optional, Set, Union

import libcst as cst

from codemods.patterns import is_collect_helper
from codemods.rule import Rule


class RemoveCollectHelper(Rule):
    """Remove the ``_collect_async_responses`` helper once nothing calls it.

    ## What it does
    Deletes a private method or module-level function that only drains an async
    iterable into a list (``_collect_async_responses``, or any ``async def``
    of that shape, see AGM002) when no code in the module refers to its name
    any more, together with the imports only it used.  While references
    remain, it reports where the helper is still in use and leaves it.

    ## Fix safety
    Safe: it removes a helper only when nothing in the module calls it any more
    and the module did call it before the migration (a bridge was rewritten), so
    no other module is assumed to use it.

    ## Left alone
    * a helper something in the module still calls (a bridge no rule could
      rewrite): removing it would break that caller;
    * a helper nothing in the module called even before the migration: it may
      be used from another module (a subclass of this class elsewhere), which
      a single-file run cannot see;
    * public (not ``_``-prefixed) helpers: other modules may import them.

    ## Why is this bad
    The helper exists only to feed the ``asyncio.run`` bridge that AGM002
    replaces; left behind it is dead code that invites the next developer to
    collect a stream into a list again.

    ## Example
    ```python
    async def _collect_async_responses(self, responses):
        collected = []
        async for response in responses:
            collected.append(response)
        return collected
    ```
    is deleted when the class no longer calls it.
    """

    code = "AGM003"
    name = "remove-collect-helper"
    summary = "the _collect_async_responses helper is dead once the bridge is gone: remove it"
    DESCRIPTION = f"{code} {name}: {summary}"  # shown by python -m libcst.tool list
    triggers = ("async for", "async def")
    prefilter = ("async", "agm003_may_apply")  # codemods.prefilter: key string, check
    requires = ()
    runs_after = ("AGM002", "AGM007")  # a regenerated twin may drop the last reference
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports nothing in.
    VALID = (
        """\
        from typing import AsyncIterator, List


        class Flow:
            async def _first(self, responses: AsyncIterator[str]) -> str:
                async for response in responses:
                    return response
                return ""
        """,
    )
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports (and, where it can, rewrites).
    INVALID = (
        """\
        from typing import AsyncIterator, List

        from agno.run.response import RunResponse
        from agno.workflow import Workflow


        class Flow(Workflow):
            def run(self, message: str):
                yield RunResponse(content=message)

            async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
                collected: List[RunResponse] = []
                async for response in responses:
                    collected.append(response)
                return collected
        """,
    )

    def __init__(self, context) -> None:
        super().__init__(context)
        self._module_names: Set[str] = set()
        self._helper_definitions: dict = {}

    def visit_Module(self, node: cst.Module) -> None:
        # Count references: every Name except the helpers' own definitions.
        helpers = _find_helpers(node)
        self._helper_definitions = {helper.name.value: helper for helper in helpers}
        references: Set[str] = set()
        for statement in node.body:
            references |= _names_outside_helpers(statement, helpers)
        self._module_names = references

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> Union[cst.FunctionDef, cst.RemovalSentinel]:
        name = original_node.name.value
        if self._helper_definitions.get(name) is not original_node:
            return updated_node
        if name in self._module_names:
            self.report(original_node, f"{name} is still referenced; run AGM002 or rewrite its callers first",
                        fixed=False)
            return updated_node
        if not self._was_used_here(name):
            self.report(original_node, f"{name} is not used in this module, so it may be used from another one "
                        "(a subclass elsewhere?); delete it by hand once nothing calls it", fixed=False)
            return updated_node
        self.report(original_node, f"removes the unused collect helper {name}")
        self.remove_unused_import_by_node(original_node)
        return cst.RemovalSentinel.REMOVE


    def _was_used_here(self, name: str) -> bool:
        """Whether the module called ``name`` before the migration (a bridge the rules then rewrote).

        Outside agno-migrate's engine the original text is not known: then the
        helper counts as never used here, and is kept.
        """
        original = self.options.get("original_source")
        if not isinstance(original, str):
            return False
        try:
            tree = ast.parse(original)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
        return any(
            (isinstance(node, ast.Name) and node.id == name) or (isinstance(node, ast.Attribute) and node.attr == name)
            for node in ast.walk(tree)
        )


def _find_helpers(module: cst.Module) -> list:
    found: list = []

    class _Finder(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> Optional[bool]:
            # Public functions may be imported by other modules: only private ones go.
            if node.name.value.startswith("_") and is_collect_helper(node):
                found.append(node)
            return True

    module.visit(_Finder())
    return found


def _names_outside_helpers(node: cst.CSTNode, helpers: list) -> Set[str]:
    if any(node is helper for helper in helpers):
        return set()
    names: Set[str] = set()
    if isinstance(node, cst.Name):
        names.add(node.value)
        return names
    for child in node.children:
        names |= _names_outside_helpers(child, helpers)
    return names

