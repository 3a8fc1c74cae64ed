"""AGM001: type and build workflow subflow items as ``RunResponse``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst
import libcst.matchers as m
from libcst.codemod import SkipFile
from libcst.codemod.visitors import GatherExportsVisitor
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    Assignment,
    GlobalScope,
    ImportAssignment,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    Scope,
    ScopeProvider,
)

from codemods.patterns import workflow_class_names
from codemods.rule import Rule

OLD = "RunResponseContentEvent"
#: The comment on an old import kept for other modules (F401 is ruff's and flake8's unused-import code).
KEPT_NOQA = "# noqa: F401 -- kept: other modules may import it from here"
NEW = "RunResponse"

#: Modules of agno 1.x that export both ``RunResponseContentEvent`` and ``RunResponse``.
AGNO_MODULES: FrozenSet[str] = frozenset({"agno.run.response", "agno.agent"})
OLD_QUALIFIED: FrozenSet[str] = frozenset(f"{module}.{OLD}" for module in AGNO_MODULES)

#: Keyword arguments of ``RunResponseContentEvent(...)`` that ``RunResponse``
#: accepts with the same meaning (agno 1.8.4).  ``image`` is mapped to
#: ``images``; ``event`` has no counterpart.
SHARED_FIELDS: FrozenSet[str] = frozenset(
    {
        "content",
        "content_type",
        "thinking",
        "reasoning_content",
        "citations",
        "response_audio",
        "extra_data",
        "created_at",
        "agent_id",
        "agent_name",
        "run_id",
        "session_id",
        "team_session_id",
        "tools",
    }
)

#: Qualified-name prefixes / names of generics whose subscript is a type expression.
_TYPING_PREFIXES = ("typing.", "typing_extensions.", "collections.abc.")
_BUILTIN_GENERICS = frozenset(
    f"builtins.{name}" for name in ("list", "dict", "tuple", "set", "frozenset", "type")
)
_TYPE_CHECK_FUNCS = frozenset({"builtins.isinstance", "builtins.issubclass"})
_CAST_FUNCS = frozenset({"typing.cast", "typing_extensions.cast"})

#: Decorators known not to read the annotations of the function they wrap.
_SIGNATURE_BLIND_DECORATORS = frozenset({
    "staticmethod", "classmethod", "property", "setter", "getter", "deleter", "cached_property",
    "abstractmethod", "override", "final", "wraps", "lru_cache", "cache", "contextmanager",
    "asynccontextmanager",
})
#: Reads that tell a RunResponse from a RunResponseContentEvent: its ``event`` tag
#: (RunResponse has no such field), serialisations carrying it, its type.
_ITEM_READ_ATTRIBUTES = frozenset({"event", "__class__", "__dict__"})
_ITEM_READ_METHODS = frozenset({"to_dict", "to_json", "model_dump", "model_dump_json", "dict", "json"})
_ITEM_READ_FUNCTIONS = frozenset({"type", "vars", "asdict"})

_IDENTIFIER_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*")

Reference = Union[cst.Name, cst.Attribute]


@dataclass
class _ImportPlan:
    """What happens to one ``from agno... import RunResponseContentEvent [as X]``."""

    node: cst.ImportFrom
    alias: cst.ImportAlias
    module: str
    add_new: bool = False  # RunResponse must be imported by this statement
    rewritten: Set[cst.CSTNode] = field(default_factory=set)


class RunResponseContentEventToRunResponse(Rule):
    """Rewrite ``RunResponseContentEvent`` in workflow code into ``RunResponse``.

    ## What it does

    Applies only to modules that define at least one subclass of agno's
    ``Workflow`` (workflow code, whose subflows yield ``RunResponse``).
    Elsewhere, e.g. in agno's own library or custom agent tooling,
    ``RunResponseContentEvent`` is a legitimate agent stream event, so such
    modules are left unchanged and nothing is reported.

    In workflow modules it finds references to agno's ``RunResponseContentEvent`` (from
    ``agno.run.response`` or ``agno.agent``, under any alias or as a module
    attribute) and rewrites them into ``RunResponse``:

    * annotations, including nested ones such as
      ``AsyncIterator[RunResponseContentEvent]`` or ``Optional[...]``;
    * constructor calls ``RunResponseContentEvent(content=...)``, whose
      ``image=x`` argument becomes ``images=[x] if x is not None else None``;
    * the import: ``RunResponse`` is imported next to (or instead of) the old
      name, reusing an existing ``RunResponse`` import when there is one.  The
      old name is dropped once nothing uses it only when the module has an
      ``__all__`` (which says what other modules may import from it) or the
      import is local to a function.  Without ``__all__`` another module may
      import ``RunResponseContentEvent`` from this one, which a run that sees
      one file at a time cannot rule out: the name stays imported, marked
      ``# noqa: F401 -- kept: other modules may import it from here`` (on a
      one-line import without a comment of its own); delete it by hand once
      nothing imports it from there.

    What it proves safe: type annotations no code reads at runtime (a
    function's parameters and return when it has no decorator but
    ``staticmethod``/``classmethod``/``property``/``abstractmethod``/
    ``wraps``-like ones, local variables, ``cast``), and constructor calls
    with known keywords, when nothing in the module tells the two types apart.
    It leaves alone, with a warning, what it cannot prove safe (see Left alone).

    ## Why is this bad

    agno's ``Workflow`` wrapper treats every item a workflow yields as a
    workflow-level response: its contract is ``RunResponse``.
    ``RunResponseContentEvent`` is an *agent* streaming event (it has an
    ``event`` tag and a single ``image``, no ``images``, ``messages`` or
    ``metrics``).  Typing subflows with the event type misleads type checkers
    and any code that reads ``.event`` from a workflow's output, and it breaks
    once the sync/async twins generated by later rules yield real
    ``RunResponse`` objects.

    ## Example

    ```python
    from typing import AsyncIterator

    from agno.run.response import RunResponseContentEvent


    async def _run_chat_flow(self, message: str) -> AsyncIterator[RunResponseContentEvent]:
        yield RunResponseContentEvent(content=message)
    ```

    Use instead:

    ```python
    from typing import AsyncIterator

    from agno.run.response import RunResponse


    async def _run_chat_flow(self, message: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=message)
    ```

    ## Fix safety
    Mixed.  Rewriting annotations alone is safe: no value changes.  Rewriting
    constructor calls changes the type of the items the workflow yields, and
    items leave the class through ``run()``/``arun()``: a consumer in another
    module may read ``item.event`` (``RunResponse`` has none in agno 1.8.4),
    serialise the item (``to_dict()["event"]`` was ``"RunResponseContent"``,
    now absent) or check its type.  A single-file run cannot see those
    consumers, so in a module with constructor calls to rewrite every rewrite
    of the module is an *unsafe fix* (``[unsafe fix, needs --unsafe-fixes]``;
    without the flag the module keeps the old type throughout, annotations
    included, so it stays consistent).  The content fields are the same and
    agno's workflow wrapper treats both alike; ``image=x`` becomes
    ``images=[x] if x is not None else None`` (``images=[X(...)]`` for a
    constructor call, which is never None), so no ``[None]`` appears.

    ## Left alone
    Each with a ``[left alone]`` finding naming the use:

    * constructor calls with ``event=``, positional or ``*``/``**`` arguments,
      unknown keywords or an ``image=`` value that may be None and is not a
      plain name;
    * ``isinstance``/``issubclass`` checks (agents' streams still yield
      ``RunResponseContentEvent``) and other runtime uses: subclassing, class
      patterns, a type expression used as a value (``Chunks =
      List[RunResponseContentEvent]``, ``TypeAdapter(...)``), the annotation
      of a class body's field (pydantic models, dataclasses and TypedDicts
      evaluate and validate it at runtime), the signature of a function with
      another decorator (``@render.register`` of ``singledispatch``
      dispatches on it, ``validate_call`` checks it);
    * the whole module, when it has constructor calls to rewrite and also
      such a runtime use or check (items built as ``RunResponse`` would no
      longer match it), or reads that tell the types apart: ``.event``,
      ``to_dict()``/``to_json()``/``model_dump()``/``dict()``/``json()``,
      ``type()``, ``vars()``, ``asdict()``, ``__class__``, ``__dict__`` (on
      anything: which values are items is not tracked);
    * string annotations, and every module without a ``Workflow`` subclass.
    """

    code = "AGM001"
    name = "run-response-content-event"
    summary = "Type and build workflow subflow items as RunResponse, not the agent event RunResponseContentEvent"
    DESCRIPTION = f"{code} {name}: {summary}"  # shown by python -m libcst.tool list
    fix_safety = "mixed"  # constructor calls change the items' type, which consumers elsewhere may observe
    triggers = (OLD,)
    prefilter = ("Workflow", "agm001_may_apply")  # codemods.prefilter: key string, check
    requires = ()
    runs_after = ()
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports nothing in.
    VALID = (
        """\
        from agno.run.response import RunResponse
        from agno.workflow import Workflow


        class Flow(Workflow):
            def run(self, message: str):
                yield RunResponse(content=message)
        """,
    )
    #: Fixit-style examples (tests/test_registry.py runs them): code the rule reports (and, where it can, rewrites).
    INVALID = (
        """\
        from typing import Iterator

        from agno.run.response import RunResponseContentEvent
        from agno.workflow import Workflow


        class Flow(Workflow):
            def _run_report_flow(self, message: str) -> Iterator[RunResponseContentEvent]:
                yield RunResponseContentEvent(content=message)
        """,
    )

    METADATA_DEPENDENCIES = (
        PositionProvider,
        ParentNodeProvider,
        QualifiedNameProvider,
        ScopeProvider,
    )

    # -- analysis (on the original tree, before anything changes) --------------------

    def visit_Module(self, node: cst.Module) -> None:
        if not workflow_class_names(node):
            # Not workflow code: RunResponseContentEvent is a legitimate agent
            # stream event here (agno's own library, agent tooling): leave it.
            raise SkipFile(f"no agno Workflow subclass, {OLD} is left alone")
        # reference (Name or Attribute of the original tree) -> name replacing it
        self._rewrites: Dict[cst.CSTNode, str] = {}
        self._imports: Dict[Tuple[cst.ImportFrom, cst.ImportAlias], _ImportPlan] = {}
        self._image_args: Set[cst.Arg] = set()
        self._module = node
        self._new_imports_cache: Optional[List[Tuple[cst.ImportFrom, str]]] = None
        exports = GatherExportsVisitor(self.context)
        node.visit(exports)
        self._exported: Set[str] = set(exports.explicit_exported_objects)
        self._has_all = any(
            m.matches(small, m.Assign(targets=[m.AssignTarget(target=m.Name("__all__"))])
                      | m.AnnAssign(target=m.Name("__all__")) | m.AugAssign(target=m.Name("__all__")))
            for statement in node.body if isinstance(statement, cst.SimpleStatementLine)
            for small in statement.body
        )
        self._kept_imports: Set[cst.ImportFrom] = set()  # keep the old name for importers elsewhere
        self._analyze(node)
        self._choose_adders()

    def _analyze(self, module: cst.Module) -> None:
        references: List[Reference] = []
        strings: List[cst.SimpleString] = []
        for found in m.findall(module, m.Name() | m.Attribute() | m.SimpleString()):
            if isinstance(found, cst.SimpleString):
                strings.append(found)
            elif isinstance(found, (cst.Name, cst.Attribute)) and self._is_reference(found):
                references.append(found)
        self._blocked: Optional[str] = None  # why no reference of the module is rewritten
        self._unsafe: Optional[str] = None  # why the rewrites are unsafe fixes
        if any(self._rewritable_call(reference) for reference in references):
            read = self._item_read(module)
            runtime = self._runtime_use(references)
            if runtime is not None:
                self._blocked = (f"the module also uses {OLD} at runtime ({runtime}), which items built as "
                                 f"{NEW} would no longer match")
            elif read is not None:
                self._blocked = (f"the module reads its items in a way RunResponse answers differently ({read}): "
                                 f"{NEW} has no event field and serialises without \"event\"")
            else:
                self._unsafe = (f"the items change type; code that receives them through run()/arun() and "
                                f"reads .event, serialises them (to_dict()[\"event\"] was "
                                f"\"RunResponseContent\") or checks their type sees {NEW}")
        for reference in references:
            self._analyze_reference(reference)
        for string in strings:
            self._analyze_string(string)

    def _rewritable_call(self, node: Reference) -> bool:
        """``node`` is agno's class called as a constructor this rule would rewrite."""
        if not self._qualified(node) <= OLD_QUALIFIED:
            return False
        kind, _, call = self._context_of(node)
        return kind == "call" and call is not None and self._check_call(call)[0] is None

    def _runtime_use(self, references: Sequence[Reference]) -> Optional[str]:
        """The first reference that is a type check or another runtime use, described with its line."""
        for reference in references:
            kind, description, _ = self._context_of(reference)
            if kind == "check" or kind == "runtime":
                return f"{description} at line {self._position(reference)[0]}"
        return None

    def _item_read(self, module: cst.Module) -> Optional[str]:
        """The first read in ``module`` that tells the items' type apart, described with its line."""
        for found in m.findall(module, m.Attribute() | m.Call()):
            what: Optional[str] = None
            if isinstance(found, cst.Attribute) and found.attr.value in _ITEM_READ_ATTRIBUTES:
                what = f".{found.attr.value}"
            elif isinstance(found, cst.Call):
                func = found.func
                if isinstance(func, cst.Attribute) and func.attr.value in _ITEM_READ_METHODS:
                    what = f".{func.attr.value}()"
                elif isinstance(func, cst.Name) and func.value in _ITEM_READ_FUNCTIONS:
                    what = f"{func.value}()"
            if what is not None:
                return f"{what} at line {self._position(found)[0]}"
        return None

    def _parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        return self.get_metadata(ParentNodeProvider, node, None)

    def _qualified(self, node: cst.CSTNode) -> Set[str]:
        return {q.name for q in self.get_metadata(QualifiedNameProvider, node, set())}

    def _is_reference(self, node: Reference) -> bool:
        """Whether ``node`` is a use (not an import or an attribute's tail) of agno's class."""
        parent = self._parent(node)
        if isinstance(node, cst.Name) and isinstance(parent, cst.Attribute) and parent.attr is node:
            return False
        if isinstance(node, cst.Attribute) and node.attr.value != OLD:
            return False
        names = self._qualified(node)
        if not names & OLD_QUALIFIED:
            return False
        ancestor: Optional[cst.CSTNode] = parent
        while ancestor is not None:
            if isinstance(ancestor, (cst.Import, cst.ImportFrom)):
                return False
            if isinstance(ancestor, cst.BaseStatement):
                break
            ancestor = self._parent(ancestor)
        return True

    def _analyze_reference(self, node: Reference) -> None:
        names = self._qualified(node)
        if not names <= OLD_QUALIFIED:
            self.report(
                node,
                f"{OLD}: this name may also be bound to something other than agno's class; left alone",
                fixed=False,
            )
            return
        if self._blocked is not None:
            self.report(node, f"{OLD} left alone: {self._blocked}; migrate the module by hand", fixed=False)
            return
        context = self._context_of(node)
        kind = context[0]
        if kind == "check":
            self.report(
                node,
                f"isinstance/issubclass check against {OLD} left alone: agents' streams still yield "
                f"{OLD}, so checking for {NEW} would change what matches; review by hand",
                fixed=False,
            )
            return
        if kind == "runtime":
            self.report(
                node,
                f"{OLD} used as a runtime value ({context[1]}); left alone, review by hand",
                fixed=False,
            )
            return
        call: Optional[cst.Call] = None
        image_arg: Optional[cst.Arg] = None
        if kind == "call":
            call = context[2]
            assert call is not None
            problem, image_arg = self._check_call(call)
            if problem:
                self.report(node, f"{OLD}(...) left alone: {problem}", fixed=False)
                return
        new_name = self._new_name_for(node)
        if new_name is None:
            return  # already reported
        if image_arg is not None and self._is_none(image_arg.value):
            message = f"{OLD}(image=None) -> {NEW}(images=None): {NEW} has a list of images, no single image"
        elif image_arg is not None and self._never_none(image_arg.value):
            message = f"{OLD}(image=X(...)) -> {NEW}(images=[X(...)]): {NEW} has a list of images, no single image"
        elif image_arg is not None:
            message = (
                f"{OLD}(image=x) -> {NEW}(images=[x] if x is not None else None): {NEW} has a list of "
                "images, no single image"
            )
        else:
            message = f"{OLD} -> {NEW}"
        if self._unsafe is not None:
            message += f" (unsafe: {self._unsafe})"
            if self.hold_unsafe_fix(node, message):
                for plan in self._imports.values():
                    plan.rewritten.discard(node)
                return
        self._rewrites[node] = new_name
        if image_arg is not None:
            self._image_args.add(image_arg)
        self.report(node, message, fixed=True, unsafe=self._unsafe is not None)

    def _context_of(self, node: Reference) -> Tuple[str, str, Optional[cst.Call]]:
        """Classify a reference: ('type'|'call'|'check'|'runtime', description, call)."""
        parent = self._parent(node)
        if isinstance(parent, cst.Call) and parent.func is node:
            return ("call", "constructor call", parent)
        # isinstance(x, OLD) / isinstance(x, (OLD, ...))
        ancestor = parent
        while isinstance(ancestor, (cst.Element, cst.Tuple)):
            ancestor = self._parent(ancestor)
        if isinstance(ancestor, cst.Arg):
            call = self._parent(ancestor)
            if isinstance(call, cst.Call) and self._qualified(call.func) & _TYPE_CHECK_FUNCS:
                return ("check", "type check", None)
        # Type expressions: annotations, typing generics' subscripts, cast(OLD, x).
        child: cst.CSTNode = node
        ancestor = parent
        while ancestor is not None:
            if isinstance(ancestor, cst.Annotation):
                return self._annotation_context(ancestor)
            if isinstance(ancestor, cst.Subscript) and ancestor.value is not child:
                if self._is_typing_generic(ancestor.value):
                    annotation = self._enclosing_annotation(ancestor)
                    if annotation is not None:
                        return self._annotation_context(annotation)
                    return ("runtime", "a type expression evaluated as a value (a type alias, a TypeAdapter, "
                                       "a pydantic or typing call may read it)", None)
                break
            if isinstance(ancestor, cst.Arg):
                call = self._parent(ancestor)
                if (
                    isinstance(call, cst.Call)
                    and call.args
                    and call.args[0] is ancestor
                    and self._qualified(call.func) & _CAST_FUNCS
                ):
                    return ("type", "cast", None)
                break
            if not isinstance(
                ancestor,
                (cst.SubscriptElement, cst.Index, cst.Tuple, cst.List, cst.Element, cst.BinaryOperation),
            ):
                break
            child, ancestor = ancestor, self._parent(ancestor)
        if isinstance(parent, cst.Arg) and isinstance(self._parent(parent), cst.ClassDef):
            return ("runtime", "base class", None)
        if isinstance(parent, cst.MatchClass):
            return ("runtime", "class pattern", None)
        return ("runtime", "not a type annotation", None)

    def _enclosing_annotation(self, node: cst.CSTNode) -> Optional[cst.Annotation]:
        ancestor = self._parent(node)
        while ancestor is not None and not isinstance(ancestor, (cst.BaseStatement, cst.BaseSmallStatement)):
            if isinstance(ancestor, cst.Annotation):
                return ancestor
            ancestor = self._parent(ancestor)
        return None

    def _annotation_context(self, annotation: cst.Annotation) -> Tuple[str, str, Optional[cst.Call]]:
        """A type annotation no code evaluates at runtime is a type; one that may be
        evaluated and read (a class body's fields: pydantic models, dataclasses,
        TypedDicts; a decorated function's signature: ``singledispatch``'s
        ``register``, ``validate_call``...) is a runtime use."""
        owner = self._parent(annotation)
        if isinstance(owner, cst.AnnAssign):
            statement = self._parent(owner)
            block = self._parent(statement) if statement is not None else None
            classdef = self._parent(block) if block is not None else None
            if isinstance(classdef, cst.ClassDef):
                return ("runtime", f"the annotation of a field of class {classdef.name.value} (pydantic models, "
                                   "dataclasses and TypedDicts evaluate and check it at runtime)", None)
            return ("type", "annotation", None)
        function = owner
        while function is not None and not isinstance(function, (cst.FunctionDef, cst.Lambda)):
            function = self._parent(function)
        if isinstance(function, cst.FunctionDef):
            decorators = [get_full_name_for_node(d.decorator) or "?" for d in function.decorators]
            unknown = [d for d in decorators if d.rsplit(".", 1)[-1] not in _SIGNATURE_BLIND_DECORATORS]
            if unknown:
                return ("runtime", f"the signature of {function.name.value}(), decorated with @{unknown[0]}, "
                                   "which may read its annotations at runtime (singledispatch's register, "
                                   "validate_call...)", None)
        return ("type", "annotation", None)

    def _is_typing_generic(self, node: cst.BaseExpression) -> bool:
        for name in self._qualified(node):
            if name.startswith(_TYPING_PREFIXES) or name in _BUILTIN_GENERICS:
                return True
        return False

    def _check_call(self, call: cst.Call) -> Tuple[Optional[str], Optional[cst.Arg]]:
        """Why ``call`` cannot become a RunResponse(...) call (None if it can), and its image= arg."""
        image_arg: Optional[cst.Arg] = None
        for arg in call.args:
            if arg.star:
                return (
                    f"it passes {arg.star}-unpacked arguments, which may include fields {NEW} lacks (event, image)",
                    None,
                )
            if arg.keyword is None:
                return (
                    f"it passes positional arguments, and the field order of {NEW} differs from {OLD}'s",
                    None,
                )
            keyword = arg.keyword.value
            if keyword == "event":
                return (
                    f"it sets event=, a field {NEW} does not have (it is an agent event tag); "
                    "dropping it could change behaviour, so migrate this call by hand",
                    None,
                )
            if keyword == "image":
                if not (self._is_none(arg.value) or self._never_none(arg.value) or self._repeatable(arg.value)):
                    return (
                        "its image= value may be None (then images= must be None, not [None]) and cannot "
                        "be tested without evaluating it twice; bind it to a name first",
                        None,
                    )
                image_arg = arg
                continue
            if keyword not in SHARED_FIELDS:
                return (f"{NEW} has no field matching the keyword {keyword}=", None)
        return (None, image_arg)

    def _new_name_for(self, node: Reference) -> Optional[str]:
        """The expression text replacing ``node``'s name, planning imports; None if unsafe."""
        if isinstance(node, cst.Attribute):
            base = self._qualified(node.value)
            if not base or not base <= AGNO_MODULES:
                self.report(node, f"{OLD}: cannot tell which module this attribute comes from; left alone", fixed=False)
                return None
            return NEW
        scope = self.get_metadata(ScopeProvider, node, None)
        if scope is None:
            self.report(node, f"{OLD}: cannot resolve this name's scope; left alone", fixed=False)
            return None
        assignments = list(scope[node.value])
        if (
            len(assignments) != 1
            or not isinstance(assignments[0], ImportAssignment)
            or not isinstance(assignments[0].node, cst.ImportFrom)
        ):
            self.report(
                node,
                f"{OLD}: {node.value} is bound more than once or not by a plain import; left alone",
                fixed=False,
            )
            return None
        binding = assignments[0]
        import_node = binding.node
        assert isinstance(import_node, cst.ImportFrom)
        alias = self._alias_binding(import_node, node.value)
        module = self._module_of(import_node)
        if alias is None or module is None:
            self.report(node, f"{OLD}: cannot find the import binding {node.value}; left alone", fixed=False)
            return None
        plan = self._imports.setdefault(
            (import_node, alias), _ImportPlan(node=import_node, alias=alias, module=module)
        )
        plan.rewritten.add(node)

        existing = self._existing_new_name(scope)
        if existing is not None:
            return existing
        if NEW in scope:
            self.report(
                node,
                f"{OLD}: the name {NEW} is already bound to something else here; left alone",
                fixed=False,
            )
            plan.rewritten.discard(node)
            return None
        plan.add_new = True
        return NEW

    def _existing_new_name(self, scope: Scope) -> Optional[str]:
        """The local name under which agno's RunResponse is already imported, if visible."""
        for import_node, local_name in self._new_imports():
            assignments = list(scope[local_name])
            if (
                len(assignments) == 1
                and isinstance(assignments[0], Assignment)
                and assignments[0].node is import_node
            ):
                return local_name
        return None

    def _new_imports(self) -> List[Tuple[cst.ImportFrom, str]]:
        if self._new_imports_cache is None:
            found: List[Tuple[cst.ImportFrom, str]] = []
            for node in m.findall(self._module, m.ImportFrom()):
                assert isinstance(node, cst.ImportFrom)
                if self._module_of(node) not in AGNO_MODULES or isinstance(node.names, cst.ImportStar):
                    continue
                for alias in node.names:
                    if alias.evaluated_name == NEW:
                        found.append((node, alias.evaluated_alias or NEW))
            self._new_imports_cache = found
        return self._new_imports_cache

    @staticmethod
    def _module_of(node: cst.ImportFrom) -> Optional[str]:
        if node.relative or node.module is None:
            return None
        return get_full_name_for_node(node.module)

    @staticmethod
    def _alias_binding(node: cst.ImportFrom, local_name: str) -> Optional[cst.ImportAlias]:
        if isinstance(node.names, cst.ImportStar):
            return None
        for alias in node.names:
            if (alias.evaluated_alias or alias.evaluated_name) == local_name:
                return alias
        return None

    def _analyze_string(self, node: cst.SimpleString) -> None:
        """Warn about string annotations naming agno's class (left alone)."""
        ancestor = self._parent(node)
        in_type = False
        while ancestor is not None and not isinstance(ancestor, cst.BaseStatement):
            if isinstance(ancestor, cst.Annotation):
                in_type = True
                break
            ancestor = self._parent(ancestor)
        if not in_type:
            return
        value = node.evaluated_value
        if not isinstance(value, str):
            return
        scope = self.get_metadata(ScopeProvider, node, None)
        if scope is None:
            return
        for match in _IDENTIFIER_PATH.finditer(value):
            path = re.sub(r"\s+", "", match.group(0))
            names = {q.name for q in scope.get_qualified_names_for(path)}
            if names & OLD_QUALIFIED:
                self.report(
                    node,
                    f"string annotation mentions {OLD}; left alone, change it to {NEW} by hand",
                    fixed=False,
                )
                return

    # -- rewriting ------------------------------------------------------------------

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new_name = self._rewrites.get(original_node)
        if new_name is None:
            return updated_node
        return updated_node.with_changes(value=new_name)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.Attribute:
        new_name = self._rewrites.get(original_node)
        if new_name is None:
            return updated_node
        return updated_node.with_changes(attr=updated_node.attr.with_changes(value=new_name))

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        if original_node in self._image_args:
            return self._map_image(updated_node)
        return updated_node

    @staticmethod
    def _is_none(node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Name) and node.value == "None"

    @staticmethod
    def _never_none(node: cst.BaseExpression) -> bool:
        """A constructor call (``Image(...)``, ``media.Image(...)``): never None."""
        if not isinstance(node, cst.Call):
            return False
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        return name[:1].isupper()

    @staticmethod
    def _repeatable(node: cst.BaseExpression) -> bool:
        """A plain name: testing it for None and then using it evaluates nothing twice."""
        return isinstance(node, cst.Name)

    @classmethod
    def _map_image(cls, arg: cst.Arg) -> cst.Arg:
        """``image=x`` -> ``images=[x]``, keeping ``None`` as ``None`` (never ``[None]``)."""
        assert arg.keyword is not None
        value = arg.value
        if cls._is_none(value):
            new_value: cst.BaseExpression = value
        elif cls._never_none(value):
            new_value = cst.List(elements=[cst.Element(value=value)])
        else:
            new_value = cst.IfExp(
                test=cst.Comparison(left=value, comparisons=[cst.ComparisonTarget(
                    operator=cst.IsNot(), comparator=cst.Name("None"))]),
                body=cst.List(elements=[cst.Element(value=value.deep_clone())]),
                orelse=cst.Name("None"),
            )
        return arg.with_changes(keyword=arg.keyword.with_changes(value="images"), value=new_value)

    def _choose_adders(self) -> None:
        """Let one import statement per scope import RunResponse (no duplicate bindings)."""
        by_scope: Dict[object, List[_ImportPlan]] = {}
        for plan in self._imports.values():
            if plan.add_new and plan.rewritten:
                scope = self.get_metadata(ScopeProvider, plan.node, None)
                by_scope.setdefault(id(scope), []).append(plan)
        for plans in by_scope.values():
            plans.sort(key=lambda plan: self._position(plan.node))
            unused = [p for p in plans if self._becomes_unused(p)]
            chosen = (unused or plans)[0]
            for plan in plans:
                plan.add_new = plan is chosen

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        plans = [plan for (node, _), plan in self._imports.items() if node is original_node and plan.rewritten]
        if not plans or isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        assert not isinstance(original_node.names, cst.ImportStar)
        names = list(updated_node.names)
        indexed = sorted(
            ((next(i for i, alias in enumerate(original_node.names) if alias is plan.alias), plan) for plan in plans),
            key=lambda item: item[0],
        )
        offset = 0
        for index, plan in indexed:
            position = index + offset
            if self._unused_after(plan) and not self._has_all and self._at_module_level(original_node):
                # Without __all__ another module may import the old name from this one
                # (a single-file run cannot see it): keep it, marked for linters.
                self._kept_imports.add(original_node)
            if not plan.add_new:
                # RunResponse is (or will be) imported by another statement:
                # drop the old name unless something still uses it.
                if self._has_all or not self._at_module_level(original_node):
                    self.remove_unused_import(plan.module, plan.alias.evaluated_name, plan.alias.evaluated_alias)
            elif self._becomes_unused(plan):
                names[position] = names[position].with_changes(name=cst.Name(NEW), asname=None)
            else:
                # Something still uses the old name: import RunResponse just before it.
                names.insert(position, cst.ImportAlias(name=cst.Name(NEW), comma=self._separator(updated_node)))
                offset += 1
        return updated_node.with_changes(names=names)

    def _becomes_unused(self, plan: _ImportPlan) -> bool:
        """The old name can go: nothing here uses it any more and, for an import at
        the module's top level, the module's ``__all__`` says what other modules may
        import from it (without one, any module may import the old name from this one)."""
        return (self._has_all or not self._at_module_level(plan.node)) and self._unused_after(plan)

    def _at_module_level(self, node: cst.ImportFrom) -> bool:
        return isinstance(self.get_metadata(ScopeProvider, node, None), GlobalScope)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        if not any(small in self._kept_imports for small in original_node.body):
            return updated_node
        trailing = updated_node.trailing_whitespace
        code = "".join(cst.Module(body=[]).code_for_node(small) for small in updated_node.body)
        if "\n" in code:
            return self._noqa_on_kept_names(updated_node)
        if trailing.comment is not None:
            return updated_node  # a comment of its own: left as it is
        comment = cst.Comment(KEPT_NOQA)
        return updated_node.with_changes(
            trailing_whitespace=trailing.with_changes(whitespace=cst.SimpleWhitespace("  "), comment=comment)
        )

    @staticmethod
    def _noqa_on_kept_names(line: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
        """A multi-line import: the noqa goes on the line of each kept old name (after its
        comment, if it has one), where linters report it; a name without a line of its own
        is left as it is."""
        small = line.body[0] if len(line.body) == 1 else None
        if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
            return line
        names = []
        for alias in small.names:
            comma = alias.comma
            if (alias.evaluated_name == OLD and isinstance(comma, cst.Comma)
                    and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)):
                first_line = comma.whitespace_after.first_line
                if first_line.comment is None:
                    first_line = first_line.with_changes(whitespace=cst.SimpleWhitespace("  "),
                                                         comment=cst.Comment(KEPT_NOQA))
                elif "noqa" not in first_line.comment.value:
                    first_line = first_line.with_changes(comment=cst.Comment(f"{first_line.comment.value}  {KEPT_NOQA}"))
                alias = alias.with_changes(comma=comma.with_changes(
                    whitespace_after=comma.whitespace_after.with_changes(first_line=first_line)))
            names.append(alias)
        return line.with_changes(body=[small.with_changes(names=names)])

    def _unused_after(self, plan: _ImportPlan) -> bool:
        local_name = plan.alias.evaluated_alias or plan.alias.evaluated_name
        if local_name in self._exported:
            return False
        scope = self.get_metadata(ScopeProvider, plan.node, None)
        if scope is None:
            return False
        for assignment in scope.assignments[local_name]:
            if isinstance(assignment, ImportAssignment) and assignment.node is plan.node:
                return all(access.node in plan.rewritten for access in assignment.references)
        return False

    @staticmethod
    def _separator(node: cst.ImportFrom) -> cst.Comma:
        """The comma to put after a name inserted into ``node``, in its own style (no comments)."""
        names: Sequence[cst.ImportAlias] = node.names if not isinstance(node.names, cst.ImportStar) else ()
        template: Optional[cst.BaseParenthesizableWhitespace] = None
        for alias in names[:-1]:
            if isinstance(alias.comma, cst.Comma):
                template = alias.comma.whitespace_after
                break
        if template is None and isinstance(node.lpar, cst.LeftParen):
            template = node.lpar.whitespace_after
        if isinstance(template, cst.ParenthesizedWhitespace):
            return cst.Comma(
                whitespace_after=cst.ParenthesizedWhitespace(
                    first_line=cst.TrailingWhitespace(),
                    empty_lines=(),
                    indent=template.indent,
                    last_line=template.last_line,
                )
            )
        return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
