"""AGM002 collect-bridge: the ``asyncio.run(self._collect_async_responses(gen))`` bridge."""

from __future__ import annotations

from typing import List, Optional, Set, Tuple

import libcst as cst

from codemods.names import NameMap
from codemods.patterns import (
    ModuleImports,
    class_method_names,
    count_name,
    is_collect_helper,
    iter_functions,
    self_method_call,
    workflow_class_names,
)
from codemods.rule import Rule


class CollectBridge(Rule):
    """Stream from the sync twin instead of collecting an async generator.

    ## What it does
    In synchronous code, rewrites the bridge
    ``asyncio.run(self._collect_async_responses(self._run_x_flow(...)))`` into
    ``yield from self._run_x_flow(...)``, where ``_run_x_flow`` is the sync
    twin AGM007 generates (the async original becomes ``_arun_x_flow``).
    Handled forms: ``yield from <bridge>``, ``for r in <bridge>: ...`` and the
    two-line ``responses = <bridge>`` followed by ``yield from responses``;
    ``asyncio`` may be imported under any alias or ``from asyncio import run``.
    The collect helper is recognised by name (``_collect_async_responses``)
    or by shape (an ``async def`` that only appends what it iterates).

    Left alone, with a warning: a bridge whose result is used in any other
    way (indexing, ``len``, passing it on), whose generator is not a method
    call on ``self``, or whose sync twin neither exists nor will be generated
    (AGM007 generates twins in ``agno.workflow.Workflow`` subclasses).

    ## Why is this bad
    ``asyncio.run`` drains the whole async generator into a list before the
    first item reaches the caller, so a "streaming" workflow shows nothing
    until the last token of the last agent arrives; it also starts a new event
    loop per call and crashes when the caller already runs one.

    ## Example
    ```python
    def run(self, message: str) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_report_flow(message)))
        yield from responses
    ```
    becomes
    ```python
    def run(self, message: str) -> Iterator[RunResponse]:
        yield from self._run_report_flow(message)
    ```
    """

    code = "AGM002"
    name = "collect-bridge"
    summary = "asyncio.run(self._collect_async_responses(gen)) kills streaming: yield from the sync twin"
    triggers = ("asyncio",)

    def __init__(self, context) -> None:
        super().__init__(context)
        self._imports: Optional[ModuleImports] = None
        self._module_helpers: Set[str] = set()
        self._class_stack: List[Set[str]] = []  # collect helpers visible in each class
        self._methods_stack: List[Set[str]] = []
        self._sync_methods_stack: List[Set[str]] = []
        self._twinned_stack: List[bool] = []  # AGM007 will generate this class's twins
        self._workflow_classes: Set[str] = set()
        self._function_stack: List[cst.FunctionDef] = []
        self._names = NameMap()

    def visit_Module(self, node: cst.Module) -> None:
        self._imports = ModuleImports(node)
        self._names = NameMap.from_options(self.options)
        self._module_helpers = {f.name.value for f in iter_functions(node.body) if is_collect_helper(f)}
        if "AGM007" in self.options.get("selected_rules", ()):
            self._workflow_classes = workflow_class_names(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        self._class_stack.append({f.name.value for f in iter_functions(body) if is_collect_helper(f)})
        self._methods_stack.append(class_method_names(node))
        self._sync_methods_stack.append({f.name.value for f in iter_functions(body) if f.asynchronous is None})
        self._twinned_stack.append(node.name.value in self._workflow_classes)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self._class_stack.pop()
        self._methods_stack.pop()
        self._sync_methods_stack.pop()
        self._twinned_stack.pop()
        return updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._function_stack.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self._function_stack.pop()
        return updated_node

    # -- matching --------------------------------------------------------------------
    def _helpers(self) -> Set[str]:
        return self._module_helpers | (self._class_stack[-1] if self._class_stack else set())

    def _bridge_generator(self, node: cst.BaseExpression) -> Optional[cst.Call]:
        """``asyncio.run(<helper>(GEN))`` -> GEN, else None."""
        assert self._imports is not None
        if not isinstance(node, cst.Call) or not self._imports.is_asyncio(node.func, "run"):
            return None
        if len(node.args) != 1 or node.args[0].keyword or node.args[0].star:
            return None
        collect = node.args[0].value
        if not isinstance(collect, cst.Call) or len(collect.args) != 1 or collect.args[0].keyword:
            return None
        func = collect.func
        helper = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
        if helper not in self._helpers():
            return None
        generator = collect.args[0].value
        return generator if isinstance(generator, cst.Call) else None

    def _sync_twin_call(self, generator: cst.Call) -> Optional[cst.Call]:
        method = self_method_call(generator)
        if method is None:
            return None
        if not self._methods_stack:
            return None
        methods = self._methods_stack[-1]
        sync_name = self._names.to_sync(method, methods) or method
        # The sync twin must exist already, or AGM007 must be about to generate it.
        if sync_name not in self._sync_methods_stack[-1] and not self._twinned_stack[-1]:
            return None
        assert isinstance(generator.func, cst.Attribute)
        return generator.with_changes(func=generator.func.with_changes(attr=cst.Name(sync_name)))

    def _in_sync_function(self) -> bool:
        return bool(self._function_stack) and self._function_stack[-1].asynchronous is None

    # -- rewriting -------------------------------------------------------------------
    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        if not self._in_sync_function():
            return updated_node
        statements = list(updated_node.body)
        originals = list(original_node.body)
        result: List[cst.BaseStatement] = []
        index = 0
        changed = False
        while index < len(statements):
            statement, original = statements[index], originals[index] if index < len(originals) else statements[index]
            following = statements[index + 1] if index + 1 < len(statements) else None
            replacement, consumed = self._rewrite(statement, original, following)
            if replacement is None:
                result.append(statement)
            else:
                result.append(replacement)
                changed = True
            index += consumed
        return updated_node.with_changes(body=result) if changed else updated_node

    def _rewrite(
        self, statement: cst.BaseStatement, original: cst.BaseStatement, following: Optional[cst.BaseStatement]
    ) -> "tuple[Optional[cst.BaseStatement], int]":
        # for r in <bridge>: ...
        if isinstance(statement, cst.For) and statement.asynchronous is None:
            generator = self._bridge_generator(statement.iter)
            if generator is not None:
                twin = self._sync_twin_call(generator)
                if twin is None:
                    self._warn_unprovable(original)
                    return None, 1
                self.report(original, "bridge collects an async generator; iterate the sync twin instead")
                return statement.with_changes(iter=twin), 1
            return None, 1
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            self._warn_if_contains_bridge(statement, original)
            return None, 1
        small = statement.body[0]
        # yield from <bridge>
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Yield) and isinstance(small.value.value, cst.From):
            generator = self._bridge_generator(small.value.value.item)
            if generator is not None:
                return self._yield_from_twin(statement, original, generator), 1
        # responses = <bridge>; yield from responses
        assignment = self._bridge_assignment(statement)
        if assignment is not None:
            variable, generator = assignment
            if following is not None and self._is_yield_from_name(following, variable) and self._used_only_in_pairs(
                variable
            ):
                return self._yield_from_twin(statement, original, generator), 2
            self._warn_unprovable(original)
            return None, 1
        self._warn_if_contains_bridge(statement, original)
        return None, 1

    def _yield_from_twin(
        self, statement: cst.SimpleStatementLine, original: cst.BaseStatement, generator: cst.Call
    ) -> Optional[cst.BaseStatement]:
        twin = self._sync_twin_call(generator)
        if twin is None:
            self._warn_unprovable(original)
            return None
        self.report(original, "bridge collects an async generator before yielding; yield from the sync twin")
        new_line = cst.Expr(value=cst.Yield(value=cst.From(item=twin)))
        return statement.with_changes(body=[new_line])

    @staticmethod
    def _is_yield_from_name(statement: cst.BaseStatement, variable: str) -> bool:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return False
        small = statement.body[0]
        return (
            isinstance(small, cst.Expr)
            and isinstance(small.value, cst.Yield)
            and isinstance(small.value.value, cst.From)
            and isinstance(small.value.value.item, cst.Name)
            and small.value.value.item.value == variable
        )

    def _used_only_in_pairs(self, variable: str) -> bool:
        """Every use of ``variable`` in the function is a ``variable = <bridge>`` /
        ``yield from variable`` pair, so rewriting the pairs leaves no use behind.

        Several branches may reuse one name (``responses`` in each ``if`` arm).
        """
        function = self._function_stack[-1]
        pairs = 0
        rule = self

        class _Pairs(cst.CSTVisitor):
            def visit_IndentedBlock(self, block: cst.IndentedBlock) -> None:
                nonlocal pairs
                for first, second in zip(block.body, block.body[1:]):
                    assignment = rule._bridge_assignment(first)
                    if assignment is not None and assignment[0] == variable and rule._is_yield_from_name(
                        second, variable
                    ):
                        pairs += 1

        function.body.visit(_Pairs())
        return pairs > 0 and count_name(function.body, variable) == 2 * pairs

    def _bridge_assignment(self, statement: cst.BaseStatement) -> Optional[Tuple[str, cst.Call]]:
        """``<name> = <bridge>`` -> ``(name, the generator call)``, else None."""
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        small = statement.body[0]
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)):
            return None
        generator = self._bridge_generator(small.value)
        return None if generator is None else (small.targets[0].target.value, generator)

    def _warn_unprovable(self, node: cst.CSTNode) -> None:
        self.report(
            node,
            "bridge result is used other than by yield from/for, its generator is not a self method, or it "
            "has no sync twin (not a Workflow subclass): rewrite by hand",
            fixed=False,
        )

    def _warn_if_contains_bridge(self, statement: cst.BaseStatement, original: cst.BaseStatement) -> None:
        if isinstance(statement, cst.SimpleStatementLine) and self._contains_bridge(statement):
            self._warn_unprovable(original)

    def _contains_bridge(self, node: cst.CSTNode) -> bool:
        found = False
        rule = self

        class _Finder(cst.CSTVisitor):
            def visit_Call(self, call: cst.Call) -> None:
                nonlocal found
                if rule._bridge_generator(call) is not None:
                    found = True

        node.visit(_Finder())
        return found

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if original_node is not updated_node and not updated_node.deep_equals(original_node):
            assert self._imports is not None
            for module_alias in self._imports.asyncio_modules:
                self.remove_unused_import("asyncio", asname=None if module_alias == "asyncio" else module_alias)
            for local, attribute in self._imports.asyncio_names.items():
                if attribute == "run":
                    self.remove_unused_import("asyncio", "run", None if local == "run" else local)
        return updated_node

