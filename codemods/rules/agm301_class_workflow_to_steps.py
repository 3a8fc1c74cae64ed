"""AGM301 class-workflow-to-steps: a 1.x ``Workflow`` subclass with its own run() → an agno 3 step workflow."""

from __future__ import annotations

import sys
from typing import Dict, List, Optional, Sequence, Set, Tuple

import libcst as cst
from libcst.codemod.visitors import RemoveImportsVisitor

from codemods import agno3_workflow as gen
from codemods.patterns import dotted_name, names_in, workflow_class_names
from codemods.rule import Rule

ENTRY_POINTS = ("run", "arun")
#: AGM008's generated override (agno 1.x machinery): dropped with the subclass.
AGM008_DOC = "added by agno-migrate"


class _Unmappable(Exception):
    """A construct the rule cannot map; its message names it."""


class ClassWorkflowToSteps(Rule):
    """Move a class-based agno 1.x ``Workflow`` to agno 3's step engine.

    ## What it does
    A ``Workflow`` subclass whose own ``run()`` (and/or ``arun()``) yields the
    output becomes a plain class that owns an agno 3 ``Workflow`` (``self.workflow``;
    ``self.async_workflow`` for ``arun()`` when both exist) with ONE step,
    ``Step(name="run", executor=self._run_step, max_retries=0,
    human_review=HumanReview(on_error=OnError.fail))``.  ``_run_step(step_input,
    run_context)`` is the old ``run()`` body: its arguments come from
    ``step_input.additional_data``, ``self.session_state`` becomes
    ``run_context.session_state`` (restored when the run fails; when other
    methods read ``self.session_state``, each run binds it to that state), ``yield
    RunResponse(content=...)`` becomes ``yield RunContentEvent(content=...)``
    and every ``self.<agent>.run()/arun()`` call raises the agent's error again
    (helpers generated once per module).  ``run(...)`` keeps its signature and
    yields the content events; ``run_events(...)`` returns agno 3's event stream.
    ``super().__init__(**kwargs)`` builds the agno 3 workflow(s) from the same
    keywords (``name``, ``description`` and a ``session_id`` filled in as agno 1.x did).

    ## Why is this bad
    On agno 3 a 1.x subclass that overrides ``run()`` still runs, silently:
    nothing goes through the engine (no events, nothing stored,
    ``self.session_state`` is None).  agno 3's own defaults differ too: a step
    is retried 3 times and then skipped on error, and an agent run reports its
    error instead of raising it.

    ## Example
    ```python
    class Counter(Workflow):
        def run(self, message: str) -> Iterator[RunResponse]:
            self.session_state["n"] = self.session_state.get("n", 0) + 1
            yield RunResponse(content=f"run {self.session_state['n']}")
    ```
    becomes ``class Counter:`` with ``run``, ``run_events`` and ``_run_step``
    (see docs/agno3-workflows.md for the whole shape).

    ## Fix safety
    Proven on the Financial Assistant, a session-state counter and an async-only workflow by the
    cross-version parity suite (tests/test_cross_version_parity.py): same
    streamed content, lifecycle, errors and stored session state on agno 3.1.10
    as on 1.8.4.  Callers change: the object is no longer an agno ``Workflow``
    (use ``.workflow`` where one is needed, e.g. AgentOS), ``run()`` yields
    ``RunContentEvent`` items, and agno 1.x keywords passed to the constructor
    (``storage=``) need their agno 3 names (``db=``).

    ## Left alone
    Reported, the class kept as it is, when it: has no generator ``run``/``arun``;
    has an ``__init__`` other than one that calls ``super().__init__(**kwargs)``;
    reads agno 1.x workflow attributes (``self.session_id``, ``self.run_id``,
    ``self.storage``, ``self.memory``...), or ``self.session_state`` in
    ``__init__``; assigns ``self.session_state``; reads an agent's
    ``run_response``; overrides agno methods; takes ``*args``/``**kwargs`` in
    ``run``; builds ``RunResponse`` other than ``yield RunResponse(content=...)``;
    passes a non-literal ``stream=`` to an agent; has other bases than ``Workflow``;
    clashes with a name the generated code uses (a helper, a step local).
    """

    code = "AGM301"
    name = "class-workflow-to-steps"
    summary = "agno 3: a 1.x Workflow subclass with its own run() becomes a class owning a one-step agno 3 Workflow"
    DESCRIPTION = f"{code} {name}: {summary}"
    triggers = ("Workflow",)

    def __init__(self, context) -> None:
        super().__init__(context)
        self._workflow_classes: Set[str] = set()
        self._converted = False
        self._uses_state = False
        self._taken: Set[str] = set()

    def visit_Module(self, node: cst.Module) -> None:
        self._workflow_classes = workflow_class_names(node)
        # Names the generated helpers take: a module that already uses one for
        # something else keeps its classes (unless the helpers are ours).
        self._taken = set() if gen.HELPERS_MARKER in node.code else names_in(node) & set(gen.HELPER_NAMES)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.BaseStatement:
        if original_node.name.value not in self._workflow_classes:
            return updated_node
        if not any(isinstance(s, cst.FunctionDef) and s.name.value in ENTRY_POINTS for s in _body(original_node)):
            return updated_node  # no run()/arun() of its own: nothing to move (agno 3 code too)
        try:
            if self._taken:
                raise _Unmappable(f"the module already uses {', '.join(sorted(self._taken))}, a name of the "
                                  "helpers it would need")
            converted = _Converter(updated_node).convert()
        except _Unmappable as why:
            self.report(original_node, f"{original_node.name.value} stays a 1.x Workflow subclass, which agno 3 runs "
                        f"without its engine (no events, nothing stored): {why}; move it to a Step executor by hand "
                        "(docs/agno3-workflows.md)", fixed=False)
            return updated_node
        self._converted = True
        self.report(original_node, f"{original_node.name.value}: Workflow subclass -> class owning an agno 3 "
                    "Workflow with one Step running the old run() body")
        self._uses_state = self._uses_state or converted.uses_state
        RemoveImportsVisitor.remove_unused_import(self.context, "agno.agent", "RunResponse")
        RemoveImportsVisitor.remove_unused_import(self.context, "agno.run.response", "RunResponse")
        RemoveImportsVisitor.remove_unused_import(self.context, "agno.workflow", "RunResponse")
        return converted.node

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self._converted:
            return updated_node
        needed = [*gen.IMPORTS, ("uuid", None), *([("copy", None)] if self._uses_state else [])]
        updated_node = updated_node.with_changes(body=_add_imports(list(updated_node.body), needed))
        if gen.HELPERS_MARKER in original_node.code:
            return updated_node
        parsed = cst.parse_module(gen.HELPERS.lstrip("\n"))
        helpers = list(parsed.body)
        marker = [line for line in parsed.header if line.comment is not None]
        body = list(updated_node.body)
        index = next((i for i, s in enumerate(body) if isinstance(s, cst.ClassDef) and _has_generated_engine(s)),
                     None)
        if index is None:  # the class is nested (a factory function's): the helpers go before the first definition
            index = next((i for i, s in enumerate(body) if isinstance(s, (cst.FunctionDef, cst.ClassDef))), None)
        if index is None:
            return updated_node  # nowhere sensible: the verifier reports the helpers missing (undefined names)
        first = body[index]
        blank = [line for line in first.leading_lines if line.comment is None]
        comments = [line for line in first.leading_lines if line.comment is not None]
        helpers[0] = helpers[0].with_changes(leading_lines=[*blank, *marker])
        body[index] = first.with_changes(
            leading_lines=[cst.EmptyLine(indent=False), cst.EmptyLine(indent=False), *comments])
        return updated_node.with_changes(body=body[:index] + helpers + body[index:])


def _from_import(statement: cst.CSTNode) -> Optional[Tuple[str, cst.ImportFrom]]:
    """(module, node) of a top-level absolute ``from module import names`` (no star)."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        node = statement.body[0]
        if isinstance(node, cst.ImportFrom) and not node.relative and node.module is not None \
                and not isinstance(node.names, cst.ImportStar):
            return dotted_name(node.module) or "", node
    return None


def _lines(statement: cst.CSTNode) -> Sequence[cst.EmptyLine]:
    """A statement's leading lines (every top-level statement node has them)."""
    return getattr(statement, "leading_lines", ())


def _is_import(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 \
        and isinstance(statement.body[0], (cst.Import, cst.ImportFrom))


def _import_key(statement: cst.CSTNode) -> Optional[Tuple[bool, int, str]]:
    """(standard library?, 0 for ``import x`` / 1 for ``from x import``, module) of a top-level absolute import."""
    if not _is_import(statement):
        return None
    assert isinstance(statement, cst.SimpleStatementLine)
    node = statement.body[0]
    if isinstance(node, cst.ImportFrom):
        if node.relative or node.module is None:
            return None
        module, kind = dotted_name(node.module) or "", 1
    else:
        assert isinstance(node, cst.Import)
        module, kind = dotted_name(node.names[0].name) or "", 0
    if module == "__future__":
        return None
    return module.split(".")[0] in sys.stdlib_module_names, kind, module


def _add_imports(body: List[cst.BaseStatement], needed: Sequence[Tuple[str, Optional[str]]]) -> List[cst.BaseStatement]:
    """Add ``from module import name`` (``import module`` when name is None) where isort would: merged
    into the module's import, else at its alphabetical place in its section (standard library, then
    third party)."""
    by_module: Dict[str, List[str]] = {}
    for module, name in needed:
        by_module.setdefault(module, [])
        if name is not None:
            by_module[module].append(name)
    for module, names in by_module.items():
        if not names:
            if any(isinstance(s, cst.SimpleStatementLine) and isinstance(s.body[0], cst.Import)
                   and any(dotted_name(a.name) == module and a.asname is None for a in s.body[0].names)
                   for s in body if _is_import(s)):
                continue
            new = cst.parse_statement(f"import {module}\n")
        else:
            existing = next(((i, found[1]) for i, s in enumerate(body)
                             if (found := _from_import(s)) and found[0] == module), None)
            if existing is not None:
                index, node = existing
                assert not isinstance(node.names, cst.ImportStar)
                present = {alias.evaluated_alias or alias.evaluated_name for alias in node.names}
                missing = [n for n in names if n not in present]
                if missing:
                    listed = [cst.Module(body=[]).code_for_node(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
                              for alias in node.names]
                    listed = sorted(listed + missing) if listed == sorted(listed) else listed + missing
                    body[index] = cst.parse_statement(f"from {module} import {', '.join(listed)}\n").with_changes(
                        leading_lines=_lines(body[index]))
                continue
            new = cst.parse_statement(f"from {module} import {', '.join(sorted(names))}\n")
        key = _import_key(new)
        assert key is not None
        keyed = [(i, k) for i, s in enumerate(body) if (k := _import_key(s)) is not None]
        section = [(i, k) for i, k in keyed if k[0] == key[0]]
        if section:
            later = [i for i, k in section if k[1:] > key[1:]]
            index = later[0] if later else section[-1][0] + 1
            takes_lines = bool(later) and later[0] == section[0][0]
        elif key[0] and keyed:  # the first standard-library import, before the third-party ones
            index, takes_lines = keyed[0][0], True
            new = new.with_changes(leading_lines=_lines(body[index]))
            body[index] = body[index].with_changes(leading_lines=[cst.EmptyLine(indent=False)])
            body.insert(index, new)
            continue
        else:
            imports = [i for i, s in enumerate(body) if _is_import(s)]
            index, takes_lines = (imports[-1] + 1 if imports else 0), False
            new = new.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        if takes_lines:
            new = new.with_changes(leading_lines=_lines(body[index]))
            body[index] = body[index].with_changes(leading_lines=[])
        body.insert(index, new)
    return body


def _body(node: cst.ClassDef) -> Sequence[cst.BaseStatement]:
    return node.body.body if isinstance(node.body, cst.IndentedBlock) else ()


def _has_generated_engine(node: cst.ClassDef) -> bool:
    return any(isinstance(s, cst.FunctionDef) and s.name.value == "_run_step" or
               isinstance(s, cst.FunctionDef) and s.name.value == "_arun_step" for s in node.body.body)


# -- analysis and conversion of one class ---------------------------------------------------------------


def _is_self_attr(node: cst.CSTNode, attribute: Optional[str] = None) -> bool:
    return (isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self"
            and (attribute is None or node.attr.value == attribute))


class _StickyReads(cst.CSTVisitor):
    """``self.<attribute>.run_response``: agno 1.x agents kept their last run there."""

    def __init__(self) -> None:
        self.found: Optional[str] = None

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value == "run_response" and _is_self_attr(node.value) and self.found is None:
            self.found = node.value.attr.value  # type: ignore[union-attr]


class _SelfUses(cst.CSTVisitor):
    def __init__(self) -> None:
        self.read: List[Tuple[str, cst.Attribute]] = []
        self.assigned: Set[str] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if _is_self_attr(node):
            self.read.append((node.attr.value, node))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        if _is_self_attr(node.target):
            self.assigned.add(node.target.attr.value)  # type: ignore[union-attr]

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if _is_self_attr(node.target):
            self.assigned.add(node.target.attr.value)  # type: ignore[union-attr]


def _is_generator(function: cst.FunctionDef) -> bool:
    found = []

    class Finder(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> Optional[bool]:
            return node is function

        def visit_Lambda(self, node: cst.Lambda) -> Optional[bool]:
            return False

        def visit_Yield(self, node: cst.Yield) -> None:
            found.append(node)

    function.visit(Finder())
    return bool(found)


def _docstring(function: cst.FunctionDef) -> Optional[cst.BaseStatement]:
    body = function.body.body
    if body and isinstance(body[0], cst.SimpleStatementLine) and isinstance(body[0].body[0], cst.Expr) \
            and isinstance(body[0].body[0].value, (cst.SimpleString, cst.ConcatenatedString)):
        return body[0]
    return None


class _BodyRewriter(cst.CSTTransformer):
    """self.session_state (entry points only), yield RunResponse(...), agent calls, annotations."""

    def __init__(self, agents: Set[str], map_state: bool) -> None:
        self.agents = agents
        self.map_state = map_state
        self.awaited: Set[int] = set()

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if self.map_state and _is_self_attr(original_node, "session_state"):
            return cst.Attribute(value=cst.Name("run_context"), attr=cst.Name("session_state"))
        return updated_node

    def leave_Yield(self, original_node: cst.Yield, updated_node: cst.Yield) -> cst.Yield:
        value = updated_node.value
        if isinstance(value, cst.Call) and dotted_name(value.func) == "RunResponse":
            if any(arg.keyword is None or arg.keyword.value != "content" for arg in value.args):
                raise _Unmappable("it yields RunResponse(...) with other arguments than content=")
            return updated_node.with_changes(value=value.with_changes(func=cst.Name("RunContentEvent")))
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if dotted_name(original_node.func) == "RunResponse":
            return updated_node  # checked by leave_Yield / _check_leftovers
        func = original_node.func
        if not (isinstance(func, cst.Attribute) and _is_self_attr(func.value) and func.attr.value in ENTRY_POINTS
                and func.value.attr.value in self.agents):  # type: ignore[union-attr]
            return updated_node
        stream = _stream_flag(original_node)
        if func.attr.value == "arun":
            if id(original_node) not in self.awaited:
                raise _Unmappable(f"self.{func.value.attr.value}.arun(...) is not awaited")  # type: ignore
            return updated_node  # wrapped in leave_Await
        helper = "_stream_or_raise" if stream else "_raise_on_error"
        return cst.Call(func=cst.Name(helper), args=[cst.Arg(updated_node)])

    def visit_Await(self, node: cst.Await) -> None:
        if isinstance(node.expression, cst.Call):
            self.awaited.add(id(node.expression))

    def leave_Await(self, original_node: cst.Await, updated_node: cst.Await) -> cst.BaseExpression:
        call = original_node.expression
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and _is_self_attr(call.func.value)
                and call.func.attr.value == "arun" and call.func.value.attr.value in self.agents):  # type: ignore
            return updated_node
        if _stream_flag(call):
            return cst.Call(func=cst.Name("_astream_or_raise"), args=[cst.Arg(updated_node.expression)])
        return cst.Call(func=cst.Name("_raise_on_error"), args=[cst.Arg(updated_node)])

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        if dotted_name(original_node.value) in ("Iterator", "AsyncIterator", "typing.Iterator", "typing.AsyncIterator") \
                and len(original_node.slice) == 1 and isinstance(original_node.slice[0].slice, cst.Index) \
                and dotted_name(original_node.slice[0].slice.value) == "RunResponse":
            element = updated_node.slice[0]
            return updated_node.with_changes(slice=[element.with_changes(
                slice=cst.Index(value=cst.Name("AgentStreamItem")))])
        return updated_node


def _stream_flag(call: cst.Call) -> bool:
    for arg in call.args:
        if arg.star:
            raise _Unmappable("an agent call passes *args/**kwargs")
        if arg.keyword is not None and arg.keyword.value == "stream":
            if isinstance(arg.value, cst.Name) and arg.value.value in ("True", "False"):
                return arg.value.value == "True"
            raise _Unmappable("an agent call's stream= is not a literal True/False")
    return False


class _Converted:
    def __init__(self, node: cst.ClassDef, uses_state: bool) -> None:
        self.node = node
        self.uses_state = uses_state


class _Converter:
    def __init__(self, classdef: cst.ClassDef) -> None:
        self.classdef = classdef
        body = classdef.body
        if not isinstance(body, cst.IndentedBlock):
            raise _Unmappable("its body is on one line")
        self.statements = list(body.body)
        self.methods: Dict[str, cst.FunctionDef] = {
            s.name.value: s for s in self.statements if isinstance(s, cst.FunctionDef)}
        #: Other methods read self.session_state: each run binds it to the run context's state.
        self.helper_state = False

    # -- checks ----------------------------------------------------------------------------------
    def _check(self) -> Tuple[List[str], Set[str], Set[str]]:
        if len(self.classdef.bases) != 1 or self.classdef.keywords:
            raise _Unmappable("it has other bases than Workflow")
        entries = [name for name in ENTRY_POINTS if name in self.methods]
        if not entries:
            raise _Unmappable("it defines neither run() nor arun()")
        for name in entries:
            function = self.methods[name]
            if function.decorators:
                raise _Unmappable(f"{name}() is decorated")
            if not _is_generator(function):
                raise _Unmappable(f"{name}() returns instead of yielding")
            params = function.params
            if params.star_arg is not cst.MaybeSentinel.DEFAULT or params.star_kwarg or params.posonly_params \
                    or params.kwonly_params:
                raise _Unmappable(f"{name}() takes *args, **kwargs, positional-only or keyword-only parameters")
            if not params.params or params.params[0].name.value != "self":
                raise _Unmappable(f"{name}() is not a plain method")
        for member in gen.GENERATED_MEMBERS:
            if member in self.methods:
                raise _Unmappable(f"it already defines {member}")
        class_attributes: Set[str] = set()
        for statement in self.statements:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    target = small.target if isinstance(small, cst.AnnAssign) else (
                        small.targets[0].target if isinstance(small, cst.Assign) and len(small.targets) == 1 else None)
                    if isinstance(target, cst.Name):
                        class_attributes.add(target.value)
        uses = _SelfUses()
        for statement in self.statements:
            if not (isinstance(statement, cst.FunctionDef) and statement.name.value == "update_run_method"):
                statement.visit(uses)
        own = set(self.methods) | class_attributes | uses.assigned
        if set(gen.GENERATED_MEMBERS) & uses.assigned:
            raise _Unmappable("it already has an attribute named like the generated members")
        for name, function in self.methods.items():
            if name == "update_run_method" or name in ENTRY_POINTS:
                continue
            inner = _SelfUses()
            function.visit(inner)
            if any(attr == "session_state" for attr, _ in inner.read):
                if name == "__init__":
                    raise _Unmappable("__init__ reads self.session_state (agno 3 loads it when a run starts)")
                self.helper_state = True  # the step binds self.session_state to the run's state
        for attr, _ in uses.read:
            if attr not in own and attr not in ("session_state",):
                raise _Unmappable(f"it uses self.{attr}, an agno 1.x Workflow attribute with no agno 3 counterpart here")
        if "session_state" in uses.assigned:
            raise _Unmappable("it assigns self.session_state (agno 3 persists the run context's own dict)")
        sticky = _StickyReads()
        self.classdef.visit(sticky)
        if sticky.found:
            raise _Unmappable(f"it reads self.{sticky.found}.run_response, which agno 3 agents no longer keep "
                              "(use what run() returns)")
        agents = {attr for attr in uses.assigned | class_attributes if attr not in self.methods}
        return entries, agents, class_attributes

    def _init_call(self) -> Tuple[Optional[int], str]:
        init = self.methods.get("__init__")
        if init is None:
            return None, "kwargs"
        found: List[Tuple[int, str]] = []
        for index, statement in enumerate(init.body.body):
            if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 \
                    and isinstance(statement.body[0], cst.Expr) and isinstance(statement.body[0].value, cst.Call):
                call = statement.body[0].value
                if dotted_name(call.func) == "super.__init__" or (
                        isinstance(call.func, cst.Attribute) and call.func.attr.value == "__init__"
                        and isinstance(call.func.value, cst.Call) and dotted_name(call.func.value.func) == "super"):
                    if len(call.args) != 1 or call.args[0].star != "**" or not isinstance(call.args[0].value, cst.Name):
                        raise _Unmappable("__init__ calls super().__init__() with other arguments than **kwargs")
                    found.append((index, call.args[0].value.value))
        if len(found) != 1:
            raise _Unmappable("__init__ does not call super().__init__(**kwargs) once at its top level")
        return found[0]

    # -- conversion ---------------------------------------------------------------------------------
    def convert(self) -> _Converted:
        entries, agents, class_attributes = self._check()
        init_index, kwargs_name = self._init_call()
        update = self.methods.get("update_run_method")
        if update is not None and AGM008_DOC not in cst.Module(body=[update]).code:
            raise _Unmappable("it overrides update_run_method() by hand")
        engines = {"run": "workflow", "arun": "async_workflow" if len(entries) == 2 else "workflow"}
        uses_state = False
        new_body: List[cst.BaseStatement] = []
        for statement in self.statements:
            if isinstance(statement, cst.FunctionDef):
                name = statement.name.value
                if name == "update_run_method":
                    continue
                if name == "__init__":
                    new_body.append(self._init(statement, init_index, kwargs_name, entries, engines, class_attributes))
                    continue
                if name in ENTRY_POINTS:
                    methods, state = self._entry(statement, agents, engines[name])
                    uses_state = uses_state or state
                    new_body.extend(methods)
                    continue
                new_body.append(statement.visit(_BodyRewriter(agents, map_state=False)))  # type: ignore[arg-type]
            else:
                new_body.append(statement)
        if "__init__" not in self.methods:
            init = cst.parse_statement("def __init__(self, **kwargs) -> None:\n    pass\n")
            assert isinstance(init, cst.FunctionDef)
            init = self._init(init, 0, "kwargs", entries, engines, class_attributes, replace_pass=True)
            position = next((i for i, s in enumerate(new_body) if isinstance(s, cst.FunctionDef)), len(new_body))
            new_body.insert(position, init.with_changes(leading_lines=[cst.EmptyLine(indent=False)]))
        _check_leftovers(new_body)
        entry_list = " and ".join(f"{e}()" for e in entries)
        comment = gen.CLASS_COMMENT.format(
            engine=engines[entries[0]], entry=entries[0],
            second=" (self.async_workflow: arun())" if len(entries) == 2 else "",
            entries=entry_list + (" keep their arguments and yield" if len(entries) == 2 else " keeps its arguments and yields"),
            events=" and ".join(f"{e}_events()" for e in entries))
        comment_lines = [cst.EmptyLine(comment=cst.Comment(line)) for line in comment.strip().splitlines()]
        node = self.classdef.with_changes(
            bases=[], lpar=cst.MaybeSentinel.DEFAULT, rpar=cst.MaybeSentinel.DEFAULT,
            leading_lines=[*self.classdef.leading_lines, *comment_lines],
            body=self.classdef.body.with_changes(body=new_body))
        return _Converted(node, uses_state)

    def _init(self, init: cst.FunctionDef, index: Optional[int], kwargs_name: str, entries: Sequence[str],
              engines: Dict[str, str], class_attributes: Set[str], replace_pass: bool = False) -> cst.FunctionDef:
        # What agno 1.x's Workflow.__init__ did with None: the class name, the class
        # description, a new session id (kept for every run of this object).
        k = kwargs_name
        lines = [f'{k}["name"] = {k}.get("name") or type(self).__name__\n']
        if "description" in class_attributes:
            lines.append(f'{k}["description"] = {k}.get("description") or self.description\n')
        lines.append(f'{k}["session_id"] = {k}.get("session_id") or str(uuid.uuid4())\n')
        if self.helper_state:
            lines.append(f'self.session_state: Dict[str, Any] = {k}.get("session_state") or {{}}\n')
        for entry in entries:
            attribute = f"self.{engines[entry]}"
            if engines[entry] == "workflow" and entry == "arun" and "run" in entries:
                continue
            lines.append(gen.ENGINE.format(attribute=attribute, step=f"_{entry}_step", kwargs=kwargs_name))
        generated = list(cst.parse_module("".join(lines)).body)
        body = list(init.body.body)
        assert index is not None
        original = body[index]
        generated[0] = generated[0].with_changes(leading_lines=_lines(original))
        body[index:index + 1] = generated
        return init.with_changes(body=init.body.with_changes(body=body))

    def _entry(self, function: cst.FunctionDef, agents: Set[str], engine: str) -> Tuple[List[cst.FunctionDef], bool]:
        name = function.name.value
        clash = names_in(function) & set(gen.STEP_LOCALS)
        if clash:
            raise _Unmappable(f"{name}() uses {', '.join(sorted(clash))}, a name the step executor needs")
        is_async = function.asynchronous is not None
        params = list(function.params.params[1:])
        uses = _SelfUses()
        function.visit(uses)
        uses_state = self.helper_state or any(attr == "session_state" for attr, _ in uses.read)
        param_text = "".join(", " + cst.Module(body=[]).code_for_node(p.with_changes(comma=cst.MaybeSentinel.DEFAULT))
                             for p in params)
        names = [p.name.value for p in params]
        args = ", ".join(names)
        data = "{" + ", ".join(f'"{n}": {n}' for n in names) + "}"
        # agno 3's input takes text (or a dict, list, model): the first argument when it is text.
        first = "None"
        if params and (params[0].annotation is None or cst.Module(body=[]).code_for_node(
                params[0].annotation.annotation) in ("str", "Optional[str]", "str | None")):
            first = names[0]
        docstring = _docstring(function)
        wrapper = cst.parse_statement((gen.WRAPPER_ASYNC if is_async else gen.WRAPPER_SYNC).lstrip("\n").format(
            name=name, params=param_text, args=args))
        events = cst.parse_statement((gen.EVENTS_ASYNC if is_async else gen.EVENTS_SYNC).lstrip("\n").format(
            name=name, params=param_text, engine=engine, first=first, data=data))
        assert isinstance(wrapper, cst.FunctionDef) and isinstance(events, cst.FunctionDef)
        if docstring is not None:
            wrapper = wrapper.with_changes(body=wrapper.body.with_changes(body=[docstring, *wrapper.body.body]))
        # Blank lines stay before the wrapper; comments (AGM007's twin marker) go with the body, the step.
        comments = [line for line in function.leading_lines if line.comment is not None]
        wrapper = wrapper.with_changes(leading_lines=[line for line in function.leading_lines if line.comment is None])
        events = events.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        # The step executor: the old body, its arguments read from additional_data.
        rewritten = function.visit(_BodyRewriter(agents, map_state=True))
        assert isinstance(rewritten, cst.FunctionDef)
        old_body = list(rewritten.body.body)
        if docstring is not None:
            old_body = old_body[1:]
        prologue_text = ""
        if uses_state:
            prologue_text += gen.STATE_CHECK.lstrip("\n")
        if self.helper_state:
            prologue_text += "self.session_state = run_context.session_state  # what the other methods read\n"
        # run()/arun() pass every argument; a bare workflow.run(input=...) (AgentOS) gets the
        # text input as the first argument and the literal defaults of the others.
        fallback = f'{{"{names[0]}": step_input.input}}' if first != "None" else "{}"
        prologue_text += f"run_arguments: Dict[str, Any] = step_input.additional_data or {fallback}\n"
        for param in params:
            annotation = ""
            if param.annotation is not None:
                annotation = ": " + cst.Module(body=[]).code_for_node(param.annotation.annotation)
            argument = param.name.value
            value = f'run_arguments["{argument}"]'
            if param.default is not None and _is_literal(param.default):
                value = f'run_arguments.get("{argument}", {cst.Module(body=[]).code_for_node(param.default)})'
            prologue_text += f'{argument}{annotation} = {value}\n'
        prologue = list(cst.parse_module(prologue_text).body)
        if uses_state:
            prologue.extend(cst.parse_module("state_before_run = copy.deepcopy(run_context.session_state)\n").body)
            guard = cst.parse_statement(gen.STATE_GUARD.lstrip("\n"))
            assert isinstance(guard, cst.Try)
            old_body = [guard.with_changes(body=guard.body.with_changes(body=old_body))]
        step_params = "self, step_input: StepInput, run_context: Optional[RunContext] = None"
        returns = "AsyncIterator[AgentStreamItem]" if is_async else "Iterator[AgentStreamItem]"
        header = cst.parse_statement(f"{'async ' if is_async else ''}def _{name}_step({step_params}) -> {returns}:\n"
                                     "    pass\n")
        assert isinstance(header, cst.FunctionDef)
        step = header.with_changes(
            body=header.body.with_changes(body=[*([docstring] if docstring is not None else []), *prologue, *old_body]),
            leading_lines=[cst.EmptyLine(indent=False), *comments])
        return [wrapper, events, step], uses_state


def _is_literal(node: cst.BaseExpression) -> bool:
    """A default that is safe to evaluate again at every run (no shared mutable value)."""
    if isinstance(node, (cst.Integer, cst.Float, cst.SimpleString)):
        return True
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        return isinstance(node.expression, (cst.Integer, cst.Float))
    return isinstance(node, cst.Name) and node.value in ("True", "False", "None")


def _check_leftovers(body: Sequence[cst.BaseStatement]) -> None:
    """RunResponse still built anywhere (other than the yields rewritten) cannot be mapped."""

    class Finder(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if dotted_name(node.func) == "RunResponse":
                raise _Unmappable("it builds RunResponse(...) other than in `yield RunResponse(content=...)`")

    for statement in body:
        statement.visit(Finder())

