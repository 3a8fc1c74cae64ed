"""AGM302 model-subclass-contract: a 1.x ``Model`` subclass gets agno 3's provider contract."""

from __future__ import annotations

from typing import Dict, Optional

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from codemods.patterns import dotted_name
from codemods.rule import Rule

PARSERS = {"parse_provider_response": "_parse_provider_response",
           "parse_provider_response_delta": "_parse_provider_response_delta"}
RETURNING = ("invoke", "ainvoke")
STREAMING = ("invoke_stream", "ainvoke_stream")


class ModelSubclassContract(Rule):
    """Give a 1.x ``Model`` subclass the agno 3 provider contract.

    ## What it does
    In a class deriving from ``Model`` that defines agno 1.x's public parsers
    ``parse_provider_response`` / ``parse_provider_response_delta``: renames
    them (and ``self.`` calls of them) to agno 3's ``_parse_provider_response``
    / ``_parse_provider_response_delta``, passes every value ``invoke``/``ainvoke``
    return through ``self._parse_provider_response(...)`` and every item
    ``invoke_stream``/``ainvoke_stream`` yield through
    ``self._parse_provider_response_delta(...)``, and makes their return
    annotations ``ModelResponse`` / ``Iterator[ModelResponse]`` /
    ``AsyncIterator[ModelResponse]``.

    ## Why is this bad
    agno 1.x called the public parsers on whatever ``invoke*`` returned; agno 3
    expects ``invoke*`` to return (yield) ``ModelResponse`` itself and declares
    the underscore parsers abstract, so the 1.x class cannot even be instantiated.

    ## Example
    ```python
    def invoke(self, messages=None, **kwargs) -> str:
        return reply
    def parse_provider_response(self, response, **kwargs) -> ModelResponse: ...
    ```
    becomes
    ```python
    def invoke(self, messages=None, **kwargs) -> ModelResponse:
        return self._parse_provider_response(reply)
    def _parse_provider_response(self, response, **kwargs) -> ModelResponse: ...
    ```

    ## Fix safety
    The result is what agno 1.x did with the value (its own parser, called on
    it), now done by the model; ``codemods/agno3_workflow_fake_model.py`` is
    this rule's output on the project's offline model and drives the agno 3
    side of the cross-version parity suite.

    ## Left alone
    A ``yield from`` or a bare ``return`` in an ``invoke*`` method (no value to
    wrap), or an ``invoke*`` method when the class has no 1.x parser to wrap
    with: reported.
    """

    code = "AGM302"
    name = "model-subclass-contract"
    summary = "agno 3: a 1.x Model subclass returns ModelResponse from its invoke methods, through its own (renamed) parser"
    DESCRIPTION = f"{code} {name}: {summary}"
    triggers = ("parse_provider_response",)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        if not any(dotted_name(base.value) in ("Model", "agno.models.base.Model") for base in original_node.bases):
            return updated_node
        if not isinstance(updated_node.body, cst.IndentedBlock):
            return updated_node
        methods: Dict[str, cst.FunctionDef] = {s.name.value: s for s in updated_node.body.body
                                               if isinstance(s, cst.FunctionDef)}
        if not set(PARSERS) & set(methods):
            return updated_node
        for name in (*RETURNING, *STREAMING):
            function = methods.get(name)
            if function is None:
                continue
            parser = "parse_provider_response" if name in RETURNING else "parse_provider_response_delta"
            problem = _unwrappable(function, streaming=name in STREAMING)
            if parser not in methods or problem:
                self.report(original_node, f"{original_node.name.value}.{name}() left as it is: "
                            f"{problem or 'no ' + parser + '() to wrap its result with'}; agno 3 wants it to "
                            "return/yield ModelResponse", fixed=False)
                return updated_node
        body = []
        for statement in updated_node.body.body:
            if isinstance(statement, cst.FunctionDef):
                name = statement.name.value
                statement = statement.visit(_RenameParserCalls())  # type: ignore[assignment]
                assert isinstance(statement, cst.FunctionDef)
                if name in PARSERS:
                    statement = statement.with_changes(name=cst.Name(PARSERS[name]))
                elif name in RETURNING or name in STREAMING:
                    statement = _wrap(statement, streaming=name in STREAMING)
            body.append(statement)
        AddImportsVisitor.add_needed_import(self.context, "agno.models.response", "ModelResponse")
        self.report(original_node, f"{original_node.name.value}: invoke* results wrapped by the model's parser, "
                    "parse_provider_response* -> _parse_provider_response* (agno 3 Model contract)")
        return updated_node.with_changes(body=updated_node.body.with_changes(body=body))


class _Own(cst.CSTVisitor):
    """Visits a function's own body (not nested functions or classes)."""

    def __init__(self, function: cst.FunctionDef) -> None:
        self.function = function
        self.problem: Optional[str] = None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> Optional[bool]:
        return node is self.function

    def visit_ClassDef(self, node: cst.ClassDef) -> Optional[bool]:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> Optional[bool]:
        return False


def _unwrappable(function: cst.FunctionDef, streaming: bool) -> Optional[str]:
    finder = _Own(function)

    class Finder(_Own):
        def visit_Yield(self, node: cst.Yield) -> None:
            if isinstance(node.value, cst.From) or (node.value is None and streaming):
                self.problem = "it yields from another iterator or yields nothing"

        def visit_Return(self, node: cst.Return) -> None:
            if not streaming and node.value is None:
                self.problem = "it returns without a value"

    finder = Finder(function)
    function.visit(finder)
    return finder.problem


class _RenameParserCalls(cst.CSTTransformer):
    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.Attribute:
        if isinstance(updated_node.value, cst.Name) and updated_node.value.value == "self" \
                and updated_node.attr.value in PARSERS:
            return updated_node.with_changes(attr=cst.Name(PARSERS[updated_node.attr.value]))
        return updated_node


def _wrap(function: cst.FunctionDef, streaming: bool) -> cst.FunctionDef:
    parser = "_parse_provider_response_delta" if streaming else "_parse_provider_response"

    def call(value: cst.BaseExpression) -> cst.Call:
        return cst.Call(func=cst.Attribute(value=cst.Name("self"), attr=cst.Name(parser)), args=[cst.Arg(value)])

    class Wrapper(cst.CSTTransformer):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> Optional[bool]:
            return node is function

        def visit_ClassDef(self, node: cst.ClassDef) -> Optional[bool]:
            return False

        def visit_Lambda(self, node: cst.Lambda) -> Optional[bool]:
            return False

        def leave_Return(self, original_node: cst.Return, updated_node: cst.Return) -> cst.Return:
            if streaming or updated_node.value is None:
                return updated_node
            return updated_node.with_changes(value=call(updated_node.value))

        def leave_Yield(self, original_node: cst.Yield, updated_node: cst.Yield) -> cst.Yield:
            if not streaming or not isinstance(updated_node.value, cst.BaseExpression):
                return updated_node
            return updated_node.with_changes(value=call(updated_node.value))

    wrapped = function.visit(Wrapper())
    assert isinstance(wrapped, cst.FunctionDef)
    if wrapped.returns is not None:
        annotation = wrapped.returns.annotation
        if streaming and isinstance(annotation, cst.Subscript):
            outer = annotation.value
            annotation = cst.parse_expression(f"{cst.Module(body=[]).code_for_node(outer)}[ModelResponse]")
        elif not streaming:
            annotation = cst.Name("ModelResponse")
        wrapped = wrapped.with_changes(returns=wrapped.returns.with_changes(annotation=annotation))
    return wrapped
