"""The output verifier: invariants a migrated file must satisfy, checked apart from the rules.

The rules are written to be safe; this module does not trust them.  After the
rules ran on a file, :func:`new_violations` compares the file before and after
with Python's own :mod:`ast` (no LibCST, none of the rules' code) and returns
every invariant the rewrite broke that the original did not already break.
The engine then takes the rewrite back and reports each violation as a
``[left alone]`` finding (see :mod:`codemods.engine`), so a rewrite that
would break the code never reaches the disk.

The invariants (each :class:`Violation` names one):

``compiles``
    The output compiles (``await`` outside ``async def``, ``yield from`` in an
    async generator, ``return`` in ``except*`` are compile errors).
``loop-in-async``
    No event-loop-running call (``asyncio.run``, ``run_until_complete``,
    ``new_event_loop``, ``nest_asyncio.apply``, ``anyio.run``, the generated
    ``_BlockingTaskGroup``..., or a name bound to one: ``run_sync =
    asyncio.run``, a ``functools.partial`` of it, a class attribute) is
    reachable from an ``async def``: directly,
    in a nested function, or through a sync method or module function it
    calls.  Such a call fails with "cannot be called from a running event
    loop" the first time the async path runs.
``call-kind``
    Every ``yield from``/``for`` over ``self.m(...)`` targets a sync method,
    every ``async for`` an async generator, every ``await`` a coroutine
    function (methods resolved in the class and its bases in the module).
``unresolved-call``
    A rewrite introduced a call ``self.m(...)`` (or a new way of using it)
    whose method is defined nowhere in the module.
``recursion``
    No method calls itself (directly or through other methods of its class)
    where it did not before, e.g. ``yield from self.run(...)`` inside ``run``.
``renamed-in-use``
    A method whose kind (sync/async) changed or that was removed has no
    user the rules did not rewrite: an attribute use outside its class, a
    subclass or base in the module that overrides it (by ``def`` or by
    assignment), its name in a string (``getattr``), a call whose result is
    not iterated or awaited right there (``stream = self._run_a_flow(t)``:
    the generator goes to code expecting the old kind), or any use at all if
    it was removed.
``twin-bypassed``
    A generated twin does not bypass what replaces its source: no subclass in
    the module overrides the source (``def`` or assignment) without the twin,
    and the twin's class has no decorator that may replace methods.
``undefined-name``
    Every name the output reads is bound where it is read (per scope) (a removed import or
    helper still in use, a generated helper that was never added).
``agent-tools``
    No new sync ``<agent>.run(...)``/``print_response(...)`` on an agent
    that may run a callable a sync run cannot (an async tool, tool hook,
    retriever..., or one this module cannot show to be sync: see
    :mod:`codemods.agent_callables`, which AGM004 asks too); agno 1.8.4's
    sync ``run()`` rejects async tools and skips or never awaits the others.
    Across files, the engine also takes back a new sync run of an agent that
    another file of the run changes (``flow.desk.add_tool(fetch)``).
``loop-api-in-sync``
    No new call in sync code of an ``asyncio`` function that needs a running
    loop when called (``get_running_loop``, ``shield``, ``gather``,
    ``create_task``, ...), directly or through the sync methods and module
    functions it calls: a sync twin of a subflow that used one would raise.
``boundary-semantics``
    Sync code does not use the generated ``_BlockingTaskGroup`` as a user's
    ``asyncio.TaskGroup`` would be used (``create_task`` keywords, an
    ``except*`` handler that does more than re-raise the first failure).
``context-var``
    No new sync code sets a module-level ``ContextVar`` (a sync twin would
    leak a value ``asyncio.run`` kept in a copy of the context).
``task-lifetime``
    A coroutine that starts a task it does not wait for or sets a module-level
    ``ContextVar`` (through anything it calls in the module) is not moved
    between a loop of its own (``asyncio.run``, ``_BlockingTaskGroup``: the
    task is cancelled when the loop ends, the setting stays in a copy of the
    context) and an ``await`` in the caller's loop (the task lives on, the
    setting reaches the caller).
``target-version``
    With a target older than Python 3.11, the output parses with that
    version's grammar and uses no ``asyncio`` API it lacks (``TaskGroup``,
    ``timeout``, ``Runner``).

:func:`event_loop_bridges` lists the event-loop-running calls left in the
Workflow classes of a module: the engine reports each one that no rule
reported, so ``check`` never calls a file clean that still holds a bridge.
"""

from __future__ import annotations

import ast
import builtins
import functools
import re
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Set, Tuple, Union

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]

#: The classes agno-migrate generates to cross from sync code into async code
#: (:mod:`codemods.boundary`); running them is running an event loop.
BOUNDARY_NAMES = frozenset({"_BlockingTaskGroup", "_TaskResult"})

#: Qualified functions that run an event loop until it is done.
LOOP_RUNNERS = frozenset({
    "asyncio.run",
    "asyncio.new_event_loop",
    "asyncio.Runner",
    "asyncio.runners.run",
    "nest_asyncio.apply",
    "anyio.run",
    "trio.run",
})

#: Methods that run an event loop whatever the object is called.
LOOP_METHODS = frozenset({"run_until_complete", "run_forever"})

_MODULE_NAMES = frozenset({"__name__", "__file__", "__doc__", "__spec__", "__loader__", "__package__",
                           "__builtins__", "__path__", "__annotations__", "__dict__", "__cached__",
                           "__class__", "__qualname__", "__module__"})
_BUILTINS = frozenset(dir(builtins)) | _MODULE_NAMES


@dataclass(frozen=True)
class Violation:
    """One broken invariant, at a line of the text that was checked."""

    invariant: str
    line: int
    message: str
    #: What the violation is, without its line: compared with the original's.
    key: Tuple[str, ...] = field(compare=False, default=())


# -- the module model ------------------------------------------------------------------------


@dataclass
class Method:
    name: str
    node: FunctionNode
    owner: str  # class name

    @property
    def is_async(self) -> bool:
        return isinstance(self.node, ast.AsyncFunctionDef)

    @property
    def is_generator(self) -> bool:
        return any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own_nodes(self.node))

    @property
    def kind(self) -> str:
        """``sync``, ``syncgen``, ``async`` or ``asyncgen``."""
        return ("async" if self.is_async else "sync") + ("gen" if self.is_generator else "")


@dataclass
class ClassInfo:
    name: str
    node: ast.ClassDef
    bases: List[str]  # dotted base names as written
    methods: Dict[str, Method]


class ModuleModel:
    """What the invariants need to know about one module."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.aliases = _import_aliases(tree)
        #: Class-body names bound to a loop runner (``_run = asyncio.run``), called as ``self._run(...)``.
        self.runner_attributes: Set[str] = set()
        self._runner_aliases(tree)
        self.relative_imports = {
            alias.asname or alias.name
            for node in tree.body if isinstance(node, ast.ImportFrom) and node.level
            for alias in node.names
        }
        self.uses_agno = any(target == "agno" or target.startswith("agno.") for target in self.aliases.values())
        self.classes: Dict[str, ClassInfo] = {}
        self.functions: Dict[str, FunctionNode] = {}
        for statement in tree.body:
            if isinstance(statement, ast.ClassDef):
                methods = {
                    item.name: Method(item.name, item, statement.name)
                    for item in statement.body
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                }
                self.classes[statement.name] = ClassInfo(
                    statement.name, statement, [b for b in map(_dotted, statement.bases) if b], methods
                )
            elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions[statement.name] = statement
        self.attribute_classes = self._attribute_classes()

    @functools.cached_property
    def parents(self) -> Dict[int, ast.AST]:
        """Each node's parent (by ``id``), computed once per model."""
        return _parents(self.tree)

    def _runner_aliases(self, tree: ast.Module) -> None:
        """Names bound to an event-loop runner by assignment count as that runner.

        ``run_sync = asyncio.run``, ``block = functools.partial(asyncio.run,
        debug=True)`` (module level or in a class body, as ``self.block``/``cls.block``
        reach it): a call through the name runs an event loop like the runner.
        """
        scopes: List[Tuple[str, List[ast.stmt]]] = [("", tree.body)]
        scopes += [(f"{node.name}.", node.body) for node in tree.body if isinstance(node, ast.ClassDef)]
        for prefix, body in scopes:
            for statement in body:
                value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
                targets = statement.targets if isinstance(statement, ast.Assign) else (
                    [statement.target] if isinstance(statement, ast.AnnAssign) else [])
                if value is None:
                    continue
                if isinstance(value, ast.Call) and value.args and \
                        self.qualify(_dotted(value.func) or "") in ("functools.partial", "partial"):
                    value = value.args[0]
                dotted = _dotted(value)
                runner = self.qualify(dotted) if dotted else None
                if runner not in LOOP_RUNNERS:
                    continue
                for target in targets:
                    if isinstance(target, ast.Name) and prefix:
                        self.runner_attributes.add(target.id)
                    elif isinstance(target, ast.Name):
                        self.aliases[target.id] = runner

    def _attribute_classes(self) -> Dict[Tuple[str, str], str]:
        """``(class, attribute) -> a class of this module`` the attribute is built from.

        From ``self.<attribute> = SomeClass(...)`` in the class's methods and
        ``<attribute> = SomeClass(...)`` / ``<attribute>: SomeClass`` in its
        body; an attribute built from several classes is left out.
        """
        found: Dict[Tuple[str, str], Set[str]] = {}
        for info in self.classes.values():
            for node in ast.walk(info.node):
                target: Optional[ast.AST] = None
                value: Optional[ast.AST] = None
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target, value = node.targets[0], node.value
                elif isinstance(node, ast.AnnAssign):
                    target, value = node.target, node.value if node.value is not None else node.annotation
                if target is None or value is None:
                    continue
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                        and target.value.id == "self":
                    attribute = target.attr
                elif isinstance(target, ast.Name) and any(target is getattr(item, "target", None)
                                                          or target in getattr(item, "targets", [])
                                                          for item in info.node.body):
                    attribute = target.id
                else:
                    continue
                built = value.func if isinstance(value, ast.Call) else value
                name = _dotted(built)
                if name and name.split(".")[-1] in self.classes:
                    found.setdefault((info.name, attribute), set()).add(name.split(".")[-1])
        return {key: next(iter(names)) for key, names in found.items() if len(names) == 1}

    def properties(self, class_name: str) -> Set[str]:
        """Names of the class's (and its module bases') ``@property`` getters."""
        names: Set[str] = set()
        for info in self.mro(class_name):
            for method in info.methods.values():
                if any(_dotted(d) in ("property", "functools.cached_property", "cached_property")
                       for d in method.node.decorator_list):
                    names.add(method.name)
        return names

    # classes
    def mro(self, name: str) -> List[ClassInfo]:
        """The class and its bases defined in this module, nearest first (depth-first, no repeats)."""
        order: List[ClassInfo] = []
        stack = [name]
        while stack:
            current = self.classes.get(stack.pop(0))
            if current is None or current in order:
                continue
            order.append(current)
            stack[:0] = [base.split(".")[-1] for base in current.bases]
        return order

    def resolve(self, class_name: str, method: str) -> Optional[Method]:
        for info in self.mro(class_name):
            if method in info.methods:
                return info.methods[method]
        return None

    def subclasses(self, class_name: str) -> List[str]:
        return [name for name in self.classes if name != class_name and any(
            c.name == class_name for c in self.mro(name))]

    def is_workflow(self, class_name: str, project_bases: bool = False) -> bool:
        """Whether the class derives from agno's ``Workflow`` as far as this module shows.

        ``project_bases``: a base imported from the project itself (a relative
        import, ``from .base import BaseFlow``) in a module that uses agno may
        be a Workflow too, and counts.
        """
        for info in self.mro(class_name):
            for base in info.bases:
                if self.qualify(base) in ("agno.workflow.Workflow", "agno.workflow.workflow.Workflow") or (
                    base.split(".")[-1] == "Workflow"
                ):
                    return True
                if project_bases and base.split(".")[0] in self.relative_imports and self.uses_agno:
                    return True
        return False

    # names
    def qualify(self, dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        target = self.aliases.get(head)
        if target is None:
            return dotted
        return f"{target}.{rest}" if rest else target

    def loop_call(self, call: ast.Call, *, boundary: bool = True) -> Optional[str]:
        """What ``call`` runs an event loop with (its source-like name), or None."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in LOOP_METHODS:
            return f"{_dotted(func.value) or '<loop>'}.{func.attr}"
        if isinstance(func, ast.Attribute) and func.attr in self.runner_attributes \
                and isinstance(func.value, ast.Name):
            return f"{func.value.id}.{func.attr}"
        dotted = _dotted(func)
        if dotted is None:
            return None
        if self.qualify(dotted) in LOOP_RUNNERS:
            return dotted
        if boundary and dotted.split(".")[0] == "_BlockingTaskGroup":
            return dotted
        return None


def own_nodes(scope: ast.AST, body_only: bool = False) -> Iterator[ast.AST]:
    """The nodes of ``scope``'s own body: nested functions, lambdas and classes excluded.

    ``body_only``: what runs when a function is called (its ``body``), not its
    decorators, defaults and annotations.
    """
    stack = list(getattr(scope, "body")) if body_only else list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))


def _dotted(node: ast.AST) -> Optional[str]:
    parts: List[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _import_aliases(tree: ast.Module) -> Dict[str, str]:
    """Local name -> what it imports (``aio`` -> ``asyncio``, ``run`` -> ``asyncio.run``)."""
    aliases: Dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    aliases.setdefault(head, head)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name != "*":
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _parents(tree: ast.AST) -> Dict[int, ast.AST]:
    parents: Dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    return parents


# -- self calls ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelfCall:
    owner: str  # class whose method holds the call
    function: str  # the method (outermost function in the class) holding the call
    method: str  # the method called
    usage: str  # "sync-iter" | "async-iter" | "await" | "call"
    line: int
    #: The class the method is looked up in: ``owner`` for ``self.m()``, another
    #: class of the module for ``self.<attribute>.m()`` (see ``attribute_classes``).
    target: str = ""

    @property
    def target_class(self) -> str:
        return self.target or self.owner


def self_calls(model: ModuleModel) -> List[SelfCall]:
    """Every ``self.m(...)`` / ``cls.m(...)`` call in the module's class bodies, with how it is used."""
    calls: List[SelfCall] = []
    parents = model.parents
    for info in model.classes.values():
        for method in info.methods.values():
            if any(_dotted(d) == "staticmethod" for d in method.node.decorator_list):
                continue  # no receiver: its first parameter is whatever the caller passes
            receivers = {a.arg for a in method.node.args.args[:1]} or {"self"}
            for node in ast.walk(method.node):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                receiver = node.func.value
                target = ""
                if isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) \
                        and receiver.value.id in receivers:
                    target = model.attribute_classes.get((info.name, receiver.attr), "")
                    if not target:
                        continue
                elif not (isinstance(receiver, ast.Name) and receiver.id in receivers):
                    continue
                calls.append(SelfCall(
                    owner=info.name, function=method.name, method=node.func.attr,
                    usage=_usage(node, parents), line=node.lineno,
                    target=target,
                ))
    return calls


def _walk_with_function(function: FunctionNode) -> Iterator[Tuple[ast.AST, ast.AST]]:
    """Every node under ``function`` with its nearest enclosing function or lambda."""
    stack: List[Tuple[ast.AST, ast.AST]] = [(child, function) for child in ast.iter_child_nodes(function)]
    while stack:
        node, nearest = stack.pop()
        yield node, nearest
        inner = node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) else nearest
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))


def _usage(call: ast.Call, parents: Dict[int, ast.AST]) -> str:
    parent = parents.get(id(call))
    if isinstance(parent, ast.YieldFrom):
        return "sync-iter"
    if isinstance(parent, ast.Await):
        return "await"
    if isinstance(parent, ast.For) and parent.iter is call:
        return "sync-iter"
    if isinstance(parent, ast.AsyncFor) and parent.iter is call:
        return "async-iter"
    if isinstance(parent, ast.comprehension) and parent.iter is call:
        return "async-iter" if parent.is_async else "sync-iter"
    return "call"


#: usage -> method kinds it cannot work with.
_INCOMPATIBLE = {
    "sync-iter": {"async", "asyncgen"},
    "async-iter": {"async", "syncgen"},
    "await": {"asyncgen", "syncgen"},
    "call": set(),
}


# -- the invariants --------------------------------------------------------------------------


def _compiles(text: str, path: str, version: Optional[Tuple[int, int]] = None) -> List[Violation]:
    try:
        compile(text, path, "exec", dont_inherit=True)
        if version is not None and version < (3, 11):
            # The grammar of the target (``except*`` is 3.11, ``match`` 3.10...).
            ast.parse(text, path, feature_version=version)
    except SyntaxError as exc:
        on = f" on Python {version[0]}.{version[1]}" if version else ""
        return [Violation("compiles", exc.lineno or 1, f"the rewritten file does not compile{on}: {exc.msg}",
                          ("compiles", exc.msg))]
    except (ValueError, RecursionError, MemoryError) as exc:
        return [Violation("compiles", 1, f"the rewritten file cannot be compiled: {exc}", ("compiles", str(exc)))]
    return []


#: ``asyncio`` names newer than some targets: name -> the version that added it.
NEW_ASYNCIO_NAMES = {"TaskGroup": (3, 11), "timeout": (3, 11), "timeout_at": (3, 11), "Runner": (3, 11)}


def _target_version(model: ModuleModel, version: Tuple[int, int]) -> List[Violation]:
    """Uses of ``asyncio`` APIs the target Python does not have."""
    violations = []
    for node in ast.walk(model.tree):
        if not isinstance(node, (ast.Attribute, ast.Name)):
            continue
        dotted = _dotted(node)
        if not dotted:
            continue
        qualified = model.qualify(dotted)
        head, _, attribute = qualified.partition(".")
        added = NEW_ASYNCIO_NAMES.get(attribute) if head == "asyncio" else None
        if added and version < added:
            violations.append(Violation(
                "target-version", node.lineno,
                f"asyncio.{attribute} needs Python {added[0]}.{added[1]}; the target is {version[0]}.{version[1]}",
                ("target-version", attribute),
            ))
    return violations


class _Reach:
    """The first call ``direct`` names (``direct(call)``: a short description, or None) that a
    function's execution may reach: in its own code (nested sync functions included), through
    the properties it reads and the methods and module functions it calls, sync ones only unless
    ``follow_async`` (then awaited ones too).  Memoized per callee; a cycle reaches nothing new."""

    def __init__(self, model: ModuleModel, direct: Callable[[ast.Call], Optional[str]],
                 follow_async: bool = False) -> None:
        self.model = model
        self.direct = direct
        self.follow_async = follow_async
        self.memo: Dict[Tuple[str, str], Optional[Tuple[str, int]]] = {}

    def callee(self, owner: Optional[str], name: str) -> Optional[Tuple[str, int]]:
        """For a method (``owner`` set) or module function: what its execution may reach."""
        key = (owner or "", name)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = None
        found = self.model.resolve(owner, name) if owner else None
        function = found.node if found else (None if owner else self.model.functions.get(name))
        if function is not None and (self.follow_async or not isinstance(function, ast.AsyncFunctionDef)):
            self.memo[key] = self.first(function, owner)
        return self.memo[key]

    def first(self, function: FunctionNode, owner: Optional[str],
              receivers: Optional[Set[str]] = None) -> Optional[Tuple[str, int]]:
        """The first call ``function``'s own code may reach (``(description, line)``)."""
        model = self.model
        if receivers is None:
            receivers = {a.arg for a in function.args.args[:1]} if owner else set()
        stack: List[ast.AST] = list(reversed(function.body))
        while stack:
            node = stack.pop()
            if isinstance(node, ast.AsyncFunctionDef):
                continue  # an async function of its own, checked separately
            if owner and isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id in receivers and node.attr in model.properties(owner):
                via = self.callee(owner, node.attr)  # reading a property runs its getter
                if via:
                    return (f"self.{node.attr} -> {via[0]}", node.lineno)
            if isinstance(node, ast.Call):
                direct = self.direct(node)
                if direct:
                    return (f"{direct}()", node.lineno)
                func = node.func
                if owner and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                        and func.value.id in receivers:
                    via = self.callee(owner, func.attr)
                    if via:
                        return (f"self.{func.attr}() -> {via[0]}", node.lineno)
                elif isinstance(func, ast.Attribute) and _class_of_call(func.value, owner, receivers, model):
                    cls = _class_of_call(func.value, owner, receivers, model)
                    via = self.callee(cls, func.attr)
                    if via:
                        return (f"{ast.unparse(func.value)}.{func.attr}() -> {via[0]}", node.lineno)
                elif owner and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) \
                        and isinstance(func.value.value, ast.Name) and func.value.value.id in receivers:
                    other = model.attribute_classes.get((owner, func.value.attr))
                    via = self.callee(other, func.attr) if other else None
                    if via:
                        return (f"self.{func.value.attr}.{func.attr}() -> {via[0]}", node.lineno)
                elif isinstance(func, ast.Name) and func.id in model.functions:
                    via = self.callee(None, func.id)
                    if via:
                        return (f"{func.id}() -> {via[0]}", node.lineno)

            stack.extend(reversed(list(ast.iter_child_nodes(node))))
        return None


def _loop_in_async(model: ModuleModel) -> List[Violation]:
    """Event-loop-running calls reachable from ``async def`` bodies."""
    reach = _Reach(model, model.loop_call)
    scopes: List[Tuple[Optional[str], FunctionNode]] = [(None, f) for f in model.functions.values()]
    for info in model.classes.values():
        scopes += [(info.name, m.node) for m in info.methods.values()]
    violations: List[Violation] = []
    for owner, outer in scopes:
        receivers = {a.arg for a in outer.args.args[:1]} if owner else set()
        for node in ast.walk(outer):
            if isinstance(node, ast.AsyncFunctionDef):
                found = reach.first(node, owner, receivers)
                if found:
                    where = f"{owner}.{node.name}" if owner else node.name
                    violations.append(Violation(
                        "loop-in-async", found[1],
                        f"async {where}() would run an event loop ({found[0]}) inside the running one",
                        ("loop-in-async", where, found[0]),
                    ))
    return violations


def _class_of_call(receiver: ast.AST, owner: Optional[str], receivers: Set[str],
                   model: "ModuleModel") -> Optional[str]:
    """The class of this module a call's receiver names: ``Cls`` in ``Cls.m()``,
    ``type(self)``/``self.__class__`` in a method (the method's class)."""
    if isinstance(receiver, ast.Name) and receiver.id in model.classes:
        return receiver.id
    if owner and isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) \
            and receiver.func.id == "type" and len(receiver.args) == 1 \
            and isinstance(receiver.args[0], ast.Name) and receiver.args[0].id in receivers:
        return owner
    if owner and isinstance(receiver, ast.Attribute) and receiver.attr == "__class__" \
            and isinstance(receiver.value, ast.Name) and receiver.value.id in receivers:
        return owner
    return None


#: asyncio functions that need a running event loop when they are called (not
#: when their result is awaited): called from sync code they raise.
LOOP_REQUIRED = frozenset({
    "asyncio.get_running_loop", "asyncio.shield", "asyncio.gather", "asyncio.create_task",
    "asyncio.ensure_future", "asyncio.current_task", "asyncio.all_tasks", "asyncio.as_completed",
    "asyncio.events.get_running_loop", "asyncio.tasks.gather", "asyncio.tasks.shield",
})


def _loop_api_in_sync(model: ModuleModel) -> List[Violation]:
    """Calls of :data:`LOOP_REQUIRED` functions in sync functions and methods (not
    nested in an async function, where a callback may run inside the loop), directly or
    through the sync methods and module functions they call (a sync twin calling an existing
    sync helper that asks for the running task)."""

    def loop_api(call: ast.Call) -> Optional[str]:
        dotted = _dotted(call.func)
        return dotted if dotted and model.qualify(dotted) in LOOP_REQUIRED else None

    reach = _Reach(model, loop_api)
    violations: List[Violation] = []
    scopes: List[Tuple[Optional[str], str, FunctionNode]] = [(None, name, f) for name, f in model.functions.items()]
    for info in model.classes.values():
        if info.name in BOUNDARY_NAMES:
            continue
        scopes += [(info.name, f"{info.name}.{m.name}", m.node) for m in info.methods.values()]
    for owner, where, function in scopes:
        if isinstance(function, ast.AsyncFunctionDef):
            continue
        for node in own_nodes(function, body_only=True):  # nested scopes run who knows where
            if isinstance(node, ast.Call):
                dotted = loop_api(node)
                if dotted:
                    violations.append(Violation(
                        "loop-api-in-sync", node.lineno,
                        f"sync {where}() calls {dotted}(), which needs a running event loop (RuntimeError here)",
                        ("loop-api-in-sync", where, model.qualify(dotted))))
        found = reach.first(function, owner)
        if found and " -> " in found[0]:
            violations.append(Violation(
                "loop-api-in-sync", found[1],
                f"sync {where}() reaches {found[0]}, which needs a running event loop (RuntimeError here)",
                ("loop-api-in-sync", where, found[0])))
    return violations


#: Calls that start a task the caller does not wait for: it lives as long as its event loop.
TASK_STARTERS = frozenset({"asyncio.create_task", "asyncio.ensure_future", "asyncio.tasks.create_task",
                           "asyncio.tasks.ensure_future"})


def _task_lifetime(model: ModuleModel) -> List[Violation]:
    """Coroutines whose effects depend on the event loop that runs them, run differently.

    A coroutine that starts a task it does not wait for (``asyncio.ensure_future``,
    ``asyncio.create_task``, ``loop.create_task``) or sets a module-level ``ContextVar``
    behaves differently run by a loop of its own (``asyncio.run``, ``_BlockingTaskGroup``:
    the task is cancelled when that loop ends, the setting stays in a copy of the context)
    and awaited in the caller's loop (the task lives on, the setting reaches the caller).
    Keys: ``(callee, "own-loop" | "await")``, so a rewrite that moves such a coroutine from
    one to the other is a new violation, wherever it happens."""
    context_vars = _context_var_names(model)

    def effect(call: ast.Call) -> Optional[str]:
        dotted = _dotted(call.func)
        if dotted and model.qualify(dotted) in TASK_STARTERS:
            return dotted
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "create_task" and dotted \
                and "loop" in dotted.split(".")[-2].lower():
            return dotted
        if isinstance(func, ast.Attribute) and func.attr == "set" and isinstance(func.value, ast.Name) \
                and func.value.id in context_vars:
            return dotted
        return None

    reach = _Reach(model, effect, follow_async=True)

    def callee_effect(call: ast.AST, owner: Optional[str], receivers: Set[str]) -> Optional[Tuple[str, str]]:
        """``(callee as written, what it does)`` for a call of a module function or method with such an effect."""
        if not isinstance(call, ast.Call):
            return None
        func = call.func
        found = None
        if isinstance(func, ast.Name) and func.id in model.functions:
            found = reach.callee(None, func.id)
        elif owner and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id in receivers:
            found = reach.callee(owner, func.attr)
        elif isinstance(func, ast.Attribute) and _class_of_call(func.value, owner, receivers, model):
            found = reach.callee(_class_of_call(func.value, owner, receivers, model), func.attr)
        elif owner and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) \
                and isinstance(func.value.value, ast.Name) and func.value.value.id in receivers:
            other = model.attribute_classes.get((owner, func.value.attr))
            found = reach.callee(other, func.attr) if other else None
        return (ast.unparse(func), found[0]) if found else None

    violations: List[Violation] = []
    scopes: List[Tuple[Optional[str], str, FunctionNode]] = [(None, name, f) for name, f in model.functions.items()]
    for info in model.classes.values():
        if info.name not in BOUNDARY_NAMES:
            scopes += [(info.name, f"{info.name}.{m.name}", m.node) for m in info.methods.values()]
    for owner, where, function in scopes:
        receivers = {a.arg for a in function.args.args[:1]} if owner else set()
        for node in ast.walk(function):
            how: str = ""
            inner: Optional[ast.AST] = None
            if isinstance(node, ast.Await):
                how, inner = "await", node.value
            elif isinstance(node, ast.Call) and node.args and (
                    model.loop_call(node) or (isinstance(node.func, ast.Attribute) and node.func.attr == "create_task"
                                              and not _in_async(node, function, model))):
                how, inner = "own-loop", node.args[0]
            found = callee_effect(inner, owner, receivers) if inner is not None else None
            if found and isinstance(node, (ast.Await, ast.Call)):
                ran = "awaited in the running loop" if how == "await" else "run by an event loop of its own"
                violations.append(Violation(
                    "task-lifetime", node.lineno,
                    f"{where}() has {found[0]}() {ran}; it reaches {found[1]}, whose task or context "
                    "setting outlives or dies with the loop differently than before",
                    ("task-lifetime", found[0], how)))
    return violations


def _in_async(node: ast.AST, scope: FunctionNode, model: ModuleModel) -> bool:
    """Whether ``node``'s nearest enclosing function (within ``scope``) is ``async def``."""
    current = model.parents.get(id(node))
    while current is not None and current is not scope:
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return isinstance(current, ast.AsyncFunctionDef)
        current = model.parents.get(id(current))
    return isinstance(scope, ast.AsyncFunctionDef)


def _boundary_semantics(model: ModuleModel) -> List[Violation]:
    """Sync code using the generated ``_BlockingTaskGroup`` as a user's ``asyncio.TaskGroup``
    would be: it takes no ``create_task`` keywords (``name=``, ``context=``) and raises only
    the first failure, so an ``except*`` handler that does more than re-raise it sees less."""
    violations: List[Violation] = []
    for where, function in [(n, f) for n, f in model.functions.items()] + [
            (f"{c.name}.{m.name}", m.node) for c in model.classes.values() if c.name not in BOUNDARY_NAMES
            for m in c.methods.values()]:
        if isinstance(function, ast.AsyncFunctionDef):
            continue
        groups = {item.optional_vars.id for node in ast.walk(function) if isinstance(node, ast.With)
                  for item in node.items
                  if isinstance(item.context_expr, ast.Call) and _dotted(item.context_expr.func) == "_BlockingTaskGroup"
                  and isinstance(item.optional_vars, ast.Name)}
        if not groups:
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "create_task" \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in groups and node.keywords:
                violations.append(Violation(
                    "boundary-semantics", node.lineno,
                    f"sync {where}() passes keywords to _BlockingTaskGroup.create_task(), which takes none",
                    ("boundary-semantics", where, "create_task")))
            if isinstance(node, ast.TryStar) and any(
                    isinstance(w, ast.With) and any(_dotted(getattr(i.context_expr, "func", None) or i.context_expr)
                                                    == "_BlockingTaskGroup" for i in w.items)
                    for w in ast.walk(ast.Module(body=node.body, type_ignores=[]))):
                for handler in node.handlers:
                    plain = (len(handler.body) == 1 and isinstance(handler.body[0], ast.Raise)
                             and handler.name is not None and isinstance(handler.body[0].exc, ast.Subscript)
                             and _dotted(handler.body[0].exc.value) == f"{handler.name}.exceptions")
                    if not plain:
                        violations.append(Violation(
                            "boundary-semantics", handler.lineno,
                            f"sync {where}() handles the failures of a _BlockingTaskGroup with except*, but it "
                            "raises only the first one (an ExceptionGroup handler would see fewer)",
                            ("boundary-semantics", where, "except*")))
    return violations


def function_starts_loop(text: str, name: str) -> Optional[str]:
    """What event loop the module function ``name`` of ``text`` may start when called, or None.

    For a call from another module's async code: the function is checked as
    ``_loop_in_async`` checks any sync call, through a probe ``async def``
    that calls it, added to the parsed module (the text is not changed).
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if not any(isinstance(s, ast.FunctionDef) and s.name == name for s in tree.body):
        return None
    probe = ast.parse(f"async def __agno_migrate_probe__():\n    {name}()\n").body[0]
    tree.body.append(probe)
    for violation in _loop_in_async(ModuleModel(tree)):
        if violation.key[1] == "__agno_migrate_probe__":
            return violation.key[2].split(" -> ", 1)[-1]
    return None


@dataclass(frozen=True)
class ImportedCall:
    """A call in async code to a function imported from the project (``from .rates import get``)."""

    function: str  # the async function (``Class.method`` or ``name``) holding the call
    level: int  # the import's dots
    module: str  # the module after the dots ('' for ``from . import x``)
    name: str  # the imported name called
    line: int


def _module_bindings(text: str) -> Set[str]:
    """Names the module ``text`` binds at its top level (imports, assignments, defs, classes)."""
    import symtable

    top = symtable.symtable(text, "<module>", "exec")
    return {symbol.get_name() for symbol in top.get_symbols()
            if symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace()}


def removed_exports(before: str, after: str) -> Set[str]:
    """Top-level names ``before`` binds and ``after`` no longer does (a dropped import,
    a removed helper): another module may still import them from this one."""
    try:
        return _module_bindings(before) - _module_bindings(after)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()


def star_exports(text: str, names: Set[str]) -> Set[str]:
    """Which of ``names`` ``from <this module> import *`` imports: its ``__all__``, else the public ones."""
    try:
        declared = _declared_all(ast.parse(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        declared = None
    return names & declared if declared is not None else {n for n in names if not n.startswith("_")}


def _declared_all(tree: ast.Module) -> Optional[Set[str]]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets) \
                and isinstance(node.value, (ast.List, ast.Tuple)):
            return {e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    return None


@dataclass(frozen=True)
class ImportFrom:
    level: int
    module: str
    names: Tuple[str, ...]  # ("*",) for a star import
    line: int


def imports_from(text: str) -> List[ImportFrom]:
    """Every ``from ... import ...`` of ``text`` (anywhere in it)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    return [ImportFrom(node.level, node.module or "", tuple(a.name for a in node.names), node.lineno)
            for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]


def imported_calls_in_async(text: str) -> List[ImportedCall]:
    """Calls of relatively imported functions from ``async def`` bodies of ``text``."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    imported: Dict[str, Tuple[int, str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level:
            for alias in node.names:
                imported[alias.asname or alias.name] = (node.level, node.module or "", alias.name)
    if not imported:
        return []
    found = []
    owners = {id(f): c.name for c in tree.body if isinstance(c, ast.ClassDef) for f in c.body}
    for function in ast.walk(tree):
        if not isinstance(function, ast.AsyncFunctionDef):
            continue
        where = f"{owners[id(function)]}.{function.name}" if id(function) in owners else function.name
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in imported:
                level, module, name = imported[node.func.id]
                found.append(ImportedCall(where, level, module, name, node.lineno))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in imported:
                # `from . import rates` ... `rates.get_rates()`: a function of the module imported
                level, module, name = imported[node.func.value.id]
                found.append(ImportedCall(where, level, f"{module}.{name}" if module else name,
                                          node.func.attr, node.lineno))
    return found


def _sync_agent_runs(model: ModuleModel) -> List[Violation]:
    """Sync ``<agent>.run(...)`` calls on an agent that may run callables a sync run cannot (:mod:`codemods.agent_callables`)."""
    from codemods import agent_callables

    return [Violation("agent-tools", run.line, f"{run.owner + '.' if run.owner else ''}{run.method}() calls the sync "
                      f"{run.receiver}.{run.call}(), but {run.reason}", ("agent-tools", run.owner, run.receiver))
            for run in agent_callables.risky_sync_runs(model.tree)]


def _sync_self_calls(model: ModuleModel, names: Tuple[str, ...]
                     ) -> Iterator[Tuple[ClassInfo, Method, ast.Call, ast.Attribute]]:
    """``self.<attribute>.<name>(...)`` calls in sync code of the module's methods."""
    for info in model.classes.values():
        for method in info.methods.values():
            for node, nearest in _walk_with_function(method.node):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in names) or isinstance(nearest, ast.AsyncFunctionDef):
                    continue
                receiver = node.func.value
                if isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) \
                        and receiver.value.id == "self":
                    yield info, method, node, receiver


def _typed_non_agents(model: ModuleModel) -> Dict[Tuple[str, str], str]:
    """``(class, attribute) -> its class`` for attributes this module shows are built from, or
    annotated with, a class that is not agno's (``self.crawler = crawler`` with
    ``crawler: AsyncWebCrawler``, ``self.crawler = AsyncWebCrawler()``): not agents."""
    found: Dict[Tuple[str, str], str] = {}

    def foreign(expr: Optional[ast.AST]) -> Optional[str]:
        dotted = _dotted(expr) if expr is not None else None
        if not dotted or not dotted.split(".")[-1][:1].isupper():
            return None
        qualified = model.qualify(dotted)
        if qualified.startswith("agno.") or qualified in ("Agent", "Team", "Any", "object"):
            return None
        return dotted

    for info in model.classes.values():
        for method in info.methods.values():
            params = {a.arg: a.annotation for a in method.node.args.args + method.node.args.kwonlyargs}
            for node in ast.walk(method.node):
                if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
                    continue
                target = node.targets[0]
                if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                        and target.value.id == "self"):
                    continue
                value = node.value
                kind = None
                if isinstance(value, ast.Name) and value.id in params:
                    kind = foreign(params[value.id])
                elif isinstance(value, ast.Call):
                    kind = foreign(value.func)
                if kind:
                    found[(info.name, target.attr)] = kind
    return found


def _sync_runs_on_non_agents(model: ModuleModel) -> List[Violation]:
    """``self.<x>.run(..., stream=...)`` in sync code on an attribute that is not an agno agent:
    the generated sync call of an ``arun()`` that was never an agent's."""
    non_agents = _typed_non_agents(model)
    violations = []
    for info, method, node, receiver in _sync_self_calls(model, ("run",)):
        if not any(k.arg == "stream" for k in node.keywords):
            continue
        kind = non_agents.get((info.name, receiver.attr))
        if kind:
            violations.append(Violation(
                "agent-tools", node.lineno,
                f"{info.name}.{method.name}() calls self.{receiver.attr}.run(..., stream=...), but "
                f"self.{receiver.attr} is a {kind}, not an agno agent: its arun() has no sync run()",
                ("not-an-agent", info.name, receiver.attr)))
    return violations


def _context_var_names(model: ModuleModel) -> Set[str]:
    """Module-level names bound to a ``contextvars.ContextVar(...)``."""
    return {target.id for node in model.tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name) and isinstance(node.value, ast.Call)
            and model.qualify(_dotted(node.value.func) or "") in ("contextvars.ContextVar",)}


def _context_vars_in_sync(model: ModuleModel) -> List[Violation]:
    """A sync function setting a module-level ``ContextVar``: run by ``asyncio.run`` (or a task)
    the setting stayed in a copy of the context; run directly it leaks to the caller."""
    names = _context_var_names(model)
    if not names:
        return []
    violations = []
    scopes = [(n, f) for n, f in model.functions.items()] + [
        (f"{c.name}.{m.name}", m.node) for c in model.classes.values() for m in c.methods.values()]
    for where, function in scopes:
        if isinstance(function, ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "set" \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in names:
                violations.append(Violation(
                    "context-var", node.lineno,
                    f"sync {where}() sets the ContextVar {node.func.value.id}: run through an event loop the "
                    "value stayed in a copy of the context, run directly it reaches the caller",
                    ("context-var", where, node.func.value.id)))
    return violations


def _call_kinds(model: ModuleModel, calls: List[SelfCall]) -> List[Violation]:
    violations: List[Violation] = []
    for call in calls:
        target = model.resolve(call.target_class, call.method)
        if target is None:
            continue
        if target.kind in _INCOMPATIBLE[call.usage]:
            what = {"sync-iter": "iterates with yield from/for", "async-iter": "iterates with async for",
                    "await": "awaits"}[call.usage]
            violations.append(Violation(
                "call-kind", call.line,
                f"{call.owner}.{call.function}() {what} {_receiver(call)}.{call.method}(), which is "
                f"{'an' if target.kind.startswith('async') else 'a'} {_kind_words(target.kind)}",
                ("call-kind", call.owner, call.function, call.target_class, call.method, call.usage, target.kind),
            ))
    return violations


def _receiver(call: SelfCall) -> str:
    return "self" if not call.target else f"self.<{call.target}>"


def _kind_words(kind: str) -> str:
    return {"sync": "sync function", "syncgen": "sync generator", "async": "async function (coroutine)",
            "asyncgen": "async generator"}[kind]


def _unresolved(model: ModuleModel, calls: List[SelfCall]) -> List[Violation]:
    violations = []
    for call in calls:
        if not call.target and model.resolve(call.owner, call.method) is None and call.usage != "call":
            violations.append(Violation(
                "unresolved-call", call.line,
                f"{call.owner}.{call.function}() uses self.{call.method}(), which is not defined in this module",
                ("unresolved-call", call.owner, call.method, call.usage),
            ))
    return violations


def _recursion(model: ModuleModel, calls: List[SelfCall]) -> List[Violation]:
    """Methods on a cycle of self calls."""
    graph: Dict[Tuple[str, str], Set[Tuple[str, str]]] = {}
    lines: Dict[Tuple[str, str], int] = {}
    for call in calls:
        target = None if call.target else model.resolve(call.owner, call.method)
        if target is None:
            continue
        source = (call.owner, call.function)
        graph.setdefault(source, set()).add((call.owner, target.name))
        lines.setdefault(source, call.line)
    on_cycle = _nodes_on_cycles(graph)
    return [
        Violation("recursion", lines.get(node, 1),
                  f"{node[0]}.{node[1]}() would call itself (through self calls) and never end",
                  ("recursion", node[0], node[1]))
        for node in sorted(on_cycle)
    ]


def _nodes_on_cycles(graph: Dict[Tuple[str, str], Set[Tuple[str, str]]]) -> Set[Tuple[str, str]]:
    """Nodes that can reach themselves."""
    result = set()
    for start in graph:
        stack = list(graph.get(start, ()))
        seen: Set[Tuple[str, str]] = set()
        while stack:
            node = stack.pop()
            if node == start:
                result.add(start)
                break
            if node in seen:
                continue
            seen.add(node)
            stack.extend(graph.get(node, ()))
    return result


@dataclass(frozen=True)
class ChangedMethod:
    """A method a rewrite removed, or turned from sync to async or back."""

    owner: str  # its class
    name: str
    change: str  # "was removed" / "changed from ... to ..."

    @property
    def removed(self) -> bool:
        return self.change == "was removed"


def _changed_methods(before: ModuleModel, after: ModuleModel) -> List[ChangedMethod]:
    changed = []
    for class_name, old in before.classes.items():
        if class_name not in after.classes:
            continue
        for name, old_method in old.methods.items():
            new_method = after.resolve(class_name, name)
            if new_method is None:
                changed.append(ChangedMethod(class_name, name, "was removed"))
            elif old_method.is_async != new_method.is_async:
                changed.append(ChangedMethod(class_name, name, f"changed from {_kind_words(old_method.kind)} "
                                                               f"to {_kind_words(new_method.kind)}"))
    return changed


def changed_methods(before: str, after: str) -> List[ChangedMethod]:
    """The methods ``after`` removed or made (a)sync: other modules may still use them."""
    try:
        return _changed_methods(ModuleModel(ast.parse(before)), ModuleModel(ast.parse(after)))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []


def _renamed_in_use(before: ModuleModel, after: ModuleModel) -> List[Violation]:
    violations: List[Violation] = []
    for method in _changed_methods(before, after):
        violations += _outside_uses(after, method.owner, method.name, method.change, method.removed)
        if method.removed and _may_override(after, method.owner, method.name) \
                and not _moved(before, after, method.owner, method.name):
            violations.append(Violation(
                "renamed-in-use", after.classes[method.owner].node.lineno,
                f"{method.owner}.{method.name}() was removed, but {method.owner} derives from a class this "
                f"module cannot see ({', '.join(after.classes[method.owner].bases)}): it may override that "
                "class's method, which the base's own code would then call instead",
                ("renamed-in-use", method.owner, method.name, "override")))
    return violations


def _moved(before: ModuleModel, after: ModuleModel, class_name: str, name: str) -> bool:
    """Whether the removed ``class_name.name`` lives on under another name in the class
    (its private or public spelling, or the same body): a deliberate rename, such as
    agno 3's ``_parse_provider_response``."""
    old = before.classes[class_name].methods.get(name)
    if old is None:
        return False
    if {f"_{name}", name.lstrip("_")} & set(after.classes[class_name].methods) - {name}:
        return True  # made private (or public) under the same name
    body = [ast.dump(statement) for statement in old.node.body]
    return any([ast.dump(statement) for statement in m.node.body] == body
               for m in after.classes[class_name].methods.values())


def _may_override(model: ModuleModel, class_name: str, name: str) -> bool:
    """Whether ``class_name.name`` may override a method of a base this module cannot see
    (agno's ``Workflow`` and ``object`` are known not to define agno-migrate's helpers)."""
    for info in model.mro(class_name):
        for base in info.bases:
            local = base.split(".")[-1] in model.classes
            known = model.qualify(base) in ("agno.workflow.Workflow", "agno.workflow.workflow.Workflow",
                                            "object") or base in ("Workflow", "object")
            if not local and not known:
                return True
    return False


_TWIN_MARKER = re.compile(r"#\s*agno-migrate: generated from (\w+)\(\)")


def generated_twins(before: str, after: str) -> List[Tuple[str, str, str]]:
    """``(class, twin, source)`` for each twin ``after`` generates that ``before`` lacked
    (a method under an ``# agno-migrate: generated from source()`` marker)."""
    try:
        old, new = ModuleModel(ast.parse(before)), ModuleModel(ast.parse(after))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    return _generated_twins(old, new, after)


def _generated_twins(old: ModuleModel, new: ModuleModel, after: str) -> List[Tuple[str, str, str]]:
    lines = after.splitlines()
    found = []
    for info in new.classes.values():
        for method in info.methods.values():
            above = lines[method.node.lineno - 2] if method.node.lineno >= 2 else ""
            if method.node.decorator_list:
                above = lines[method.node.decorator_list[0].lineno - 2] if method.node.decorator_list[0].lineno >= 2 \
                    else ""
            match = _TWIN_MARKER.search(above)
            if match and not (info.name in old.classes and method.name in old.classes[info.name].methods):
                found.append((info.name, method.name, match.group(1)))
    return found


def overrides_without_twin(owner: str, twin: str, source: str, text: str) -> Optional[int]:
    """The line of a class in ``text`` deriving from ``owner`` (by name) that overrides
    ``source`` but not ``twin``: it would inherit a twin that ignores its override."""
    if source not in text or owner not in text:
        return None
    try:
        model = ModuleModel(ast.parse(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for info in model.classes.values():
        if any(base.split(".")[-1] == owner for base in info.bases):
            overriding = _definition(info, source)
            if overriding is not None and _definition(info, twin) is None:
                return overriding.lineno
    return None


def _definition(info: ClassInfo, name: str) -> Optional[ast.stmt]:
    """Where ``info``'s class body defines ``name``: a method, or an assignment
    (``_route = staticmethod(keyword_route)`` overrides a method as surely as a ``def``)."""
    if name in info.methods:
        return info.methods[name].node
    for statement in info.node.body:
        targets = statement.targets if isinstance(statement, ast.Assign) else (
            [statement.target] if isinstance(statement, ast.AnnAssign) and statement.value is not None else [])
        if any(isinstance(target, ast.Name) and target.id == name for target in targets):
            return statement
    return None


#: Class decorators known not to replace methods.
_HARMLESS_CLASS_DECORATORS = frozenset({"dataclasses.dataclass", "dataclass", "typing.final", "final",
                                         "functools.total_ordering", "total_ordering"})


def _twins_bypassed(before: ModuleModel, model: ModuleModel, text: str) -> List[Violation]:
    """Generated twins that would ignore what the user's code puts in place of their source:
    a subclass in the module overriding the source (``def`` or assignment) but not the twin,
    or a class decorator on the twin's class (it may replace the source, never the twin)."""
    violations: List[Violation] = []
    for owner, twin, source in _generated_twins(before, model, text):
        for other in model.subclasses(owner):
            overriding = _definition(model.classes[other], source)
            if overriding is not None and _definition(model.classes[other], twin) is None:
                violations.append(Violation(
                    "twin-bypassed", overriding.lineno,
                    f"{other} overrides {source}() of {owner}, but not the generated {twin}(): {other}'s "
                    f"{twin}() would run {owner}'s code instead of its override",
                    ("twin-bypassed", owner, twin, other)))
        for decorator in model.classes[owner].node.decorator_list:
            called = decorator.func if isinstance(decorator, ast.Call) else decorator
            dotted = _dotted(called) or "..."
            if model.qualify(dotted) not in _HARMLESS_CLASS_DECORATORS and dotted not in _HARMLESS_CLASS_DECORATORS:
                violations.append(Violation(
                    "twin-bypassed", decorator.lineno,
                    f"the class decorator @{dotted} of {owner} may replace {source}(); the generated {twin}() "
                    "would bypass what it puts in place",
                    ("twin-bypassed", owner, twin, "@" + dotted)))
    return violations


def uses_elsewhere(method: ChangedMethod, text: str) -> List[int]:
    """Lines of another module's ``text`` that may use ``method`` as it was.

    A use is an override of it in a class deriving from its class (by name),
    ``self.<name>`` in such a class, or ``<anything>.<name>`` / the name in a
    string elsewhere, when the module names the method's class (imports,
    subclasses or builds it) or the method is public.  ``self.<name>`` in a
    class of that module that defines ``<name>`` itself (another workflow
    with the same layout) is that class's own method, not a use.
    """
    if method.name not in text:
        return []
    names_owner = re.search(rf"\b{re.escape(method.owner)}\b", text) is not None
    if method.name.startswith("_") and not names_owner:
        return []
    try:
        model = ModuleModel(ast.parse(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [text.count("\n", 0, match.start()) + 1
                for match in re.finditer(rf"\b{re.escape(method.name)}\b", text)]
    lines: List[int] = []
    own_uses: Set[int] = set()
    for info in model.classes.values():
        derived = any(base.split(".")[-1] == method.owner
                      for c in model.mro(info.name) for base in c.bases)
        if derived and method.name in info.methods:
            lines.append(info.methods[method.name].node.lineno)
        if model.resolve(info.name, method.name) is not None and not derived:
            # ``self.<name>`` here is this class's own method.
            own_uses.update(id(node) for node in ast.walk(info.node)
                            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                            and node.value.id in ("self", "cls"))
    for node in ast.walk(model.tree):
        if isinstance(node, ast.Attribute) and node.attr == method.name and id(node) not in own_uses:
            lines.append(node.lineno)
        elif isinstance(node, ast.Constant) and node.value == method.name and names_owner:
            lines.append(node.lineno)
    return sorted(set(lines))


def _outside_uses(model: ModuleModel, class_name: str, name: str, change: str, removed: bool) -> List[Violation]:
    found: List[Violation] = []
    inside = model.classes[class_name].node
    inside_nodes = {id(n) for n in ast.walk(inside)}
    related = set(model.subclasses(class_name)) | {c.name for c in model.mro(class_name)[1:]}
    for other in sorted(related):
        node = _definition(model.classes[other], name)
        if node is not None:
            found.append(Violation(
                "renamed-in-use", node.lineno,
                f"{class_name}.{name}() {change}, but {other} (related class in this module) also defines it",
                ("renamed-in-use", class_name, name, "override", other),
            ))
    # Calls whose result is iterated or awaited right there: call-kind checks them.  The result of
    # any other call (assigned, returned, stored, passed on: `stream = self._run_a_flow(t)`) reaches
    # code that expects the method's old kind, so for a method whose kind changed it is a use.
    parents = model.parents
    called = {id(n.func) for n in ast.walk(model.tree) if isinstance(n, ast.Call)
              and (removed or _usage(n, parents) != "call")}
    # A call inside a lambda hands its result to whoever calls the lambda: call-kind cannot see how
    # it is used (`self._flows = {"a": lambda t: self._run_a_flow(t)}`), so it counts as a use.
    in_lambda = {id(n) for lam in ast.walk(inside) if isinstance(lam, ast.Lambda) for n in ast.walk(lam)}
    for node in ast.walk(inside):
        if isinstance(node, ast.Call) and _dotted(node.func) == "getattr" and len(node.args) >= 2 \
                and not isinstance(node.args[1], ast.Constant):
            found.append(Violation(
                "renamed-in-use", node.lineno,
                f"{class_name}.{name}() {change}, but {class_name} looks its methods up by a computed name "
                "(getattr) that may reach it",
                ("renamed-in-use", class_name, name, "getattr"),
            ))
    for node in ast.walk(model.tree):
        if isinstance(node, ast.Attribute) and node.attr == name:
            own_self = (id(node) in inside_nodes and isinstance(node.value, ast.Name)
                        and node.value.id in ("self", "cls"))
            if own_self and not removed and id(node) in called and id(node) not in in_lambda:
                continue  # a call: checked by call-kind (a bound method stored or passed on is not)
            where = "in its class" if id(node) in inside_nodes else "outside its class"
            found.append(Violation(
                "renamed-in-use", node.lineno,
                f"{class_name}.{name}() {change}, but {_dotted(node) or '...' + name} is still used {where}",
                ("renamed-in-use", class_name, name, "attribute", _dotted(node) or name),
            ))
        elif isinstance(node, ast.Constant) and node.value == name:
            found.append(Violation(
                "renamed-in-use", node.lineno,
                f"{class_name}.{name}() {change}, but the string {name!r} names it (getattr?)",
                ("renamed-in-use", class_name, name, "string"),
            ))
    return found


def _undefined_names(model: ModuleModel, text: str) -> List[Violation]:
    """Names a scope reads that resolve to no binding: not local, not in an
    enclosing function, not bound at module level, not a builtin.

    Scope-aware (Python's own symbol tables): a name bound only inside some
    other function (``tg`` of ``async with TaskGroup() as tg`` elsewhere) does
    not make its use in this function defined.
    """
    import symtable

    try:
        top = symtable.symtable(text, "<verify>", "exec")
    except SyntaxError:
        return []
    module_bound = set(_BUILTINS)
    for symbol in top.get_symbols():
        if symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace() or symbol.is_annotated():
            module_bound.add(symbol.get_name())
    if any(isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)
           for node in ast.walk(model.tree)):
        return []
    unresolved: Set[str] = set()
    tables = [top]
    while tables:
        table = tables.pop()
        tables.extend(table.get_children())
        for symbol in table.get_symbols():
            name = symbol.get_name()
            if symbol.is_declared_global() and symbol.is_assigned():
                module_bound.add(name)  # `global x; x = ...` in a function binds x at module level
            elif symbol.is_referenced() and (table is top or symbol.is_global()):
                if table is top and (symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace()):
                    continue
                unresolved.add(name)
    missing = unresolved - module_bound
    violations = []
    for node in ast.walk(model.tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in missing:
            missing.discard(node.id)
            violations.append(Violation("undefined-name", node.lineno,
                                        f"{node.id} is used but never defined or imported where it is used",
                                        ("undefined-name", node.id)))
    return violations


def check(text: str, path: str = "<string>", before: Optional[ModuleModel] = None,
          version: Optional[Tuple[int, int]] = None) -> List[Violation]:
    """Every invariant ``text`` breaks (``before``: the original, for the relational ones;
    ``version``: the target Python, when older than the running one)."""
    compiled = _compiles(text, path, version)
    if compiled:
        return compiled
    model = ModuleModel(ast.parse(text, path))
    calls = self_calls(model)
    violations = (_loop_in_async(model) + _call_kinds(model, calls) + _unresolved(model, calls)
                  + _recursion(model, calls) + _undefined_names(model, text) + _sync_agent_runs(model)
                  + _loop_api_in_sync(model) + _boundary_semantics(model) + _sync_runs_on_non_agents(model)
                  + _context_vars_in_sync(model) + _task_lifetime(model))
    if version is not None:
        violations += _target_version(model, version)
    if before is not None:
        violations += _renamed_in_use(before, model) + _twins_bypassed(before, model, text)
    return violations


def new_violations(before: str, after: str, path: str = "<string>",
                   version: Optional[Tuple[int, int]] = None) -> List[Violation]:
    """The invariants ``after`` breaks that ``before`` did not already break.

    Violations are compared by what they are (their ``key``), not by line, so
    a pre-existing problem moved by a rewrite is not blamed on it.  When
    ``before`` itself does not parse, only ``after`` compiling is checked.
    """
    try:
        old_model = ModuleModel(ast.parse(before, path))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return _compiles(after, path, version)
    old_keys = {v.key for v in check(before, path, version=version)}
    result: List[Violation] = []
    seen: Set[Tuple[str, ...]] = set()
    for violation in check(after, path, before=old_model, version=version):
        if violation.key in old_keys or violation.key in seen:
            continue
        seen.add(violation.key)
        result.append(violation)
    return sorted(result, key=lambda v: (v.line, v.invariant))


# -- bridges left in workflow code ----------------------------------------------------------


@dataclass(frozen=True)
class Bridge:
    line: int
    column: int
    call: str  # e.g. "asyncio.run", "loop.run_until_complete"
    owner: str  # the Workflow class holding it


def event_loop_bridges(text: str, path: str = "<string>") -> List[Bridge]:
    """Event-loop-running calls inside ``agno`` Workflow classes (the generated boundary excluded).

    A class whose base comes from another module of the project (a relative
    import) counts as a Workflow when the module uses agno.
    """
    try:
        tree = ast.parse(text, path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    return event_loop_bridges_in(tree)


def event_loop_bridges_in(tree: ast.Module) -> List[Bridge]:
    """:func:`event_loop_bridges` of a parsed module."""
    model = ModuleModel(tree)
    bridges = []
    for info in model.classes.values():
        if info.name in BOUNDARY_NAMES or not model.is_workflow(info.name, project_bases=True):
            continue
        for node in ast.walk(info.node):
            if not isinstance(node, ast.Call):
                continue
            name = model.loop_call(node, boundary=False)
            if name:
                bridges.append(Bridge(node.lineno, node.col_offset + 1, name, info.name))
            # A loop runner handed to a thread or executor (``pool.submit(asyncio.run, coro)``).
            for argument in node.args:
                dotted = _dotted(argument)
                if dotted and model.qualify(dotted) in LOOP_RUNNERS:
                    bridges.append(Bridge(argument.lineno, argument.col_offset + 1, dotted, info.name))
    return sorted(bridges, key=lambda b: (b.line, b.column))


def describe(violations: Iterable[Violation]) -> str:
    return "; ".join(f"{v.invariant} at line {v.line}: {v.message}" for v in violations)
