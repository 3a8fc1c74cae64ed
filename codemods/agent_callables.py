"""Which callables an agno agent may run, as far as one module shows (Python's ``ast``, no LibCST).

agno 1.8.4's sync ``Agent.run()``/``Team.run()`` treats async callables
differently from ``arun()``: it raises for async tools (``Exception("Async
function ... can't be used with synchronous agent.run()")``), skips async
tool hooks ("Cannot use async hooks with sync function calls"), never awaits
an async ``pre_hook``/``post_hook``, an async ``retriever`` or an async
context function, and calls the sync methods of a knowledge base, memory,
storage or model where ``arun()`` called their async twins.  So turning an
``arun()`` into a ``run()`` keeps behaviour only when EVERY callable the
agent may run is visibly sync.

The condition (:meth:`ModuleAgents.verdict`): an agent's callables are
visible and sync only if

(a) every callable-taking keyword of each construction it may come from
    (``Agent(...)``/``Team(...)``, a ``deep_copy(update={...})``, a builder
    function, method, property or ``cached_property`` of the module;
    ``tools``, ``tool_hooks``, ``retriever``, ``context``, ``knowledge``,
    ``memory``, ``storage``, the models, ``reasoning_agent``, ``team``,
    ``members``, recursively for member agents; a tool's own ``pre_hook``,
    ``post_hook`` and ``tool_hooks``) is visible and sync, and
(b) no code of the module that may reach the agent adds a callable after
    construction that is not visibly sync (``<agent>.tools = ...``,
    ``.tools.append/extend/insert``, ``.add_tool``, ``.set_tools``,
    ``.tool_hooks``/``.retriever``/``.context[...] = ...``, ``setattr``...).

:class:`Verdict` sorts what breaks the condition: ``asyncs`` (an async
callable is visible: leave the spot alone), ``hidden`` (the construction, or
a mutation certainly of this agent, is visible but some callable in it is
not: leave it alone), ``unknown`` (the agent itself is not visible here: an
unsafe fix).  The rules (AGM004) and the verifier (``agent-tools``) both ask
this module, so they agree.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple, Union

from codemods.verify import _dotted  # the verifier's spelling of a dotted name (``a.b.c``)

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
Scope = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]

AGENT_CLASSES = frozenset({"agno.agent.Agent", "agno.agent.agent.Agent", "agno.team.Team", "agno.team.team.Team"})
TEAM_CLASSES = frozenset({"agno.team.Team", "agno.team.team.Team"})
TOOLKIT_CLASSES = frozenset({"agno.tools.Toolkit", "agno.tools.toolkit.Toolkit"})
FUNCTION_CLASSES = frozenset({"agno.tools.Function", "agno.tools.function.Function"})
TOOL_DECORATORS = frozenset({"agno.tools.tool", "agno.tools.decorator.tool"})
PARTIALS = frozenset({"functools.partial"})
COPIES = frozenset({"copy.copy", "copy.deepcopy"})
#: Decorators that keep a function what it is (sync stays sync).
PLAIN_DECORATORS = frozenset({"staticmethod", "classmethod", "functools.wraps", "functools.lru_cache",
                              "functools.cache", "typing.overload", "abc.abstractmethod"})
PROPERTIES = frozenset({"property", "functools.cached_property", "cached_property"})

# What each keyword of an agent's construction holds.
TOOLS, HOOKS, CALLABLE, CONTEXT, OBJECT, AGENT, AGENTS, OPAQUE = (
    "tools", "hooks", "callable", "context", "object", "agent", "agents", "opaque")
KEYWORDS: Dict[str, str] = {
    "tools": TOOLS, "tool_hooks": HOOKS, "retriever": CALLABLE, "context": CONTEXT,
    "knowledge": OBJECT, "memory": OBJECT, "storage": OBJECT, "model": OBJECT, "reasoning_model": OBJECT,
    "parser_model": OBJECT, "output_model": OBJECT,
    "reasoning_agent": AGENT, "team": AGENTS, "members": AGENTS,
    # agno's own caches of the tools it prepared for the model
    "functions": OPAQUE, "_functions_for_model": OPAQUE, "_tools_for_model": OPAQUE,
}
#: Why agno 1.8.4's sync run() differs for an async callable of each kind.
WHY = {
    "tool": "agno 1.8.4's sync run() rejects them",
    "tool hook": "agno 1.8.4's sync run() skips them",
    "pre/post hook": "agno 1.8.4's sync run() never awaits them",
    "retriever": "agno 1.8.4's sync run() never awaits it",
    "context function": "agno 1.8.4's sync run() never awaits them",
    "object": "agno 1.8.4's sync run() calls their sync methods where arun() called the async ones",
}
PLURAL = {"tool": "async tools", "tool hook": "async tool hooks", "pre/post hook": "async pre/post hooks",
          "retriever": "an async retriever", "context function": "async context functions",
          "object": "objects with async methods"}
#: Methods that change a list or dict in place: (its value argument's index, the shape of that argument).
CONTAINER_MUTATORS = {"append": (0, "element"), "add": (0, "element"), "insert": (1, "element"),
                      "extend": (0, "whole"), "__iadd__": (0, "whole"), "update": (0, "whole"),
                      "setdefault": (1, "element"), "__setitem__": (1, "element")}
#: agno's own methods that add tools to an agent: attribute, argument shape.
AGENT_MUTATORS = {"add_tool": ("tools", "element"), "set_tools": ("tools", "whole")}


@dataclass
class Item:
    """One callable that breaks the condition."""

    kind: str  # "tool", "tool hook", "pre/post hook", "retriever", "context function", "object"
    name: str  # as written, e.g. "lookup_gate", "self.lookup", "QuoteTools.price"
    where: str = ""  # e.g. "added to self.desk.tools at line 27"

    def text(self) -> str:
        return f"{self.name} {self.where}" if self.where else self.name


@dataclass
class Verdict:
    """What a module shows of the callables an agent may run."""

    asyncs: List[Item] = field(default_factory=list)  # visible async callables
    hidden: List[Item] = field(default_factory=list)  # callables of a visible construction this module cannot show
    unknown: List[str] = field(default_factory=list)  # why the agent itself is not visible
    team: bool = False
    #: some of ``asyncs`` belong to agents it runs (a Team's members, a reasoning agent)
    members: bool = False
    #: some construction of the agent was found in the module
    built_here: bool = False
    #: what the module shows it may be that is not an agno agent (a class of this module, a module)
    not_agents: List[str] = field(default_factory=list)

    def add(self, other: "Verdict") -> None:
        for mine, theirs in ((self.asyncs, other.asyncs), (self.hidden, other.hidden)):
            mine.extend(i for i in theirs if i not in mine)
        self.unknown.extend(u for u in other.unknown if u not in self.unknown)
        self.team = self.team or other.team
        self.members = self.members or other.members
        self.built_here = self.built_here or other.built_here

    @property
    def safe(self) -> bool:
        return not (self.asyncs or self.hidden or self.unknown)

    def left_alone_reason(self, spelled: str) -> Optional[str]:
        """Why a sync run() of the agent ``spelled`` may not behave as its arun() (None: it is no worse than unknown)."""
        if self.asyncs:
            kinds: Dict[str, List[str]] = {}
            for item in self.asyncs:
                kinds.setdefault(item.kind, []).append(item.text())
            parts = [f"{PLURAL[k]} ({', '.join(dict.fromkeys(v))}); {WHY[k]}" for k, v in kinds.items()]
            noun = "team" if self.team else "agent"
            if self.members and set(kinds) == {"tool"}:
                return (f"{noun} {spelled} has async tools ({', '.join(dict.fromkeys(kinds['tool']))}), its own or its "
                        "members'; agno 1.8.4's sync run() cannot run them (a member's run() rejects them)")
            if self.members:
                return (f"{noun} {spelled} has {'; and '.join(parts)} (its own or those of the agents it runs: "
                        "a member's or reasoning agent's sync run() cannot run them either)")
            return f"{noun} {spelled} has {'; and '.join(parts)}"
        if self.hidden:
            names = ", ".join(dict.fromkeys(item.text() for item in self.hidden))
            return (f"agent {spelled} is built here with callables this module cannot show to be sync ({names}): "
                    "agno 1.8.4's sync run() rejects async tools (and skips or never awaits other async callables)")
        return None


@dataclass
class Resolution:
    """What an expression that should be an agent may evaluate to."""

    constructions: List["Construction"] = field(default_factory=list)
    keys: Set[Tuple] = field(default_factory=set)  # access paths walked: ("attr", class, name), ("name", scope, name)
    others: List[str] = field(default_factory=list)  # visibly not an agno agent (a module class, an import)
    unknown: List[str] = field(default_factory=list)

    def add(self, other: "Resolution") -> None:
        self.constructions += [c for c in other.constructions if c not in self.constructions]
        self.keys |= other.keys
        self.others += other.others
        self.unknown += [u for u in other.unknown if u not in self.unknown]


@dataclass(eq=False)
class Construction:
    node: ast.AST  # the Agent(...) call or the deep_copy call
    keywords: List[Tuple[Optional[str], ast.expr]]  # None: ``**value``
    scope: Optional[Scope]
    cls: Optional[ast.ClassDef]
    team: bool
    #: a class of this module deriving from agno's Agent/Team that is built here
    subclass: Optional[ast.ClassDef] = None


@dataclass
class Site:
    """Code that changes an attribute of something that may be an agent: ``<receiver>.<attribute> ...``."""

    receiver: ast.expr
    attribute: str  # a KEYWORDS key, or "*" (setattr with a computed name, __dict__)
    value: Optional[ast.expr]
    shape: str  # "whole", "element"
    line: int
    scope: Optional[Scope]
    cls: Optional[ast.ClassDef]




class ModuleAgents:
    """The agents of one module and what may be added to them."""

    MAX_DEPTH = 12

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.imports: Dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.imports[alias.asname] = alias.name
                    else:
                        self.imports[alias.name.split(".")[0]] = alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom):
                base = ("." * node.level) + (node.module or "")
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
        self.functions: Dict[str, List[FunctionNode]] = {}
        self.classes: Dict[str, ast.ClassDef] = {}
        self.module_bindings, self._module_opaque = _bindings(tree.body)
        for statement in _shallow(tree.body):
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions.setdefault(statement.name, []).append(statement)
            elif isinstance(statement, ast.ClassDef):
                self.classes[statement.name] = statement
        #: id(node) -> (innermost function or lambda, innermost class) around it
        self._scope_bindings: Dict[int, tuple] = {}
        self.place: Dict[int, Tuple[Optional[Scope], Optional[ast.ClassDef]]] = {}
        self.parent_scope: Dict[int, Optional[Scope]] = {}
        self._index(tree, None, None)
        self.sites = self._sites()
        self._resolutions: Dict[Tuple[ast.AST, int], Resolution] = {}

    # -- indexing ---------------------------------------------------------------------------
    def _index(self, node: ast.AST, scope: Optional[Scope], cls: Optional[ast.ClassDef]) -> None:
        stack = [(node, scope, cls)]
        while stack:
            current, scope, cls = stack.pop()
            self.place[id(current)] = (scope, cls)
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                self.parent_scope[id(current)] = scope
                inner_scope, inner_cls = current, cls
            elif isinstance(current, ast.ClassDef):
                inner_scope, inner_cls = None, current
            else:
                inner_scope, inner_cls = scope, cls
            for child in ast.iter_child_nodes(current):
                if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)) and (
                        child in getattr(current, "decorator_list", []) or child in getattr(current, "bases", [])):
                    stack.append((child, scope, cls))
                else:
                    stack.append((child, inner_scope, inner_cls))

    def qualify(self, node: Union[ast.AST, str, None]) -> str:
        dotted = node if isinstance(node, str) or node is None else _dotted(node)
        if dotted is None:
            return ""
        head, _, rest = dotted.partition(".")
        if head in self.imports:
            return f"{self.imports[head]}.{rest}" if rest else self.imports[head]
        return dotted

    def _sites(self) -> List[Site]:
        sites: List[Site] = []

        def record(receiver: ast.expr, attribute: str, value: Optional[ast.expr], shape: str, node: ast.AST) -> None:
            scope, cls = self.place.get(id(node), (None, None))
            sites.append(Site(receiver, attribute, value, shape, getattr(node, "lineno", 0), scope, cls))

        def target(node: ast.AST, value: Optional[ast.expr], shape: str, at: ast.AST) -> None:
            if isinstance(node, ast.Attribute) and node.attr in KEYWORDS:
                record(node.value, node.attr, value, shape, at)
            elif isinstance(node, ast.Attribute) and node.attr == "__dict__":
                record(node.value, "*", value, shape, at)
            elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
                    and node.value.attr in KEYWORDS:
                record(node.value.value, node.value.attr, value,
                       "whole" if isinstance(node.slice, ast.Slice) else "element", at)
            elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
                    and node.value.attr == "__dict__":
                record(node.value.value, "*", value, "element", at)
            elif isinstance(node, (ast.Tuple, ast.List)):
                values = value.elts if isinstance(value, (ast.Tuple, ast.List)) and \
                    len(value.elts) == len(node.elts) else [None] * len(node.elts)
                for element, element_value in zip(node.elts, values):
                    target(element, element_value, shape, at)

        def containers(expr: ast.expr, at: ast.AST) -> List[Tuple[ast.expr, str]]:
            """``(agent, attribute)`` pairs whose list or dict ``expr`` may be: ``agent.tools``,
            ``getattr(agent, "tools")``, a name bound to one of those (``tools = self.desk.tools``)."""
            if isinstance(expr, ast.Attribute) and (expr.attr in KEYWORDS or expr.attr == "__dict__"):
                return [(expr.value, expr.attr if expr.attr in KEYWORDS else "*")]
            if isinstance(expr, ast.Call) and _dotted(expr.func) == "getattr" and len(expr.args) >= 2:
                name = expr.args[1]
                if isinstance(name, ast.Constant) and name.value in KEYWORDS:
                    return [(expr.args[0], str(name.value))]
                return [] if isinstance(name, ast.Constant) else [(expr.args[0], "*")]
            if isinstance(expr, ast.Name):
                where, info = self._lookup(expr.id, self.place.get(id(at), (None, None))[0])
                values = info[1] if where == "local" else (  # type: ignore[index]
                    self.module_bindings.get(expr.id, []) if where == "module" else [])
                found = [pair for value in values if not isinstance(value, ast.Name)
                         for pair in containers(value, at)]
                # `tools = agent.tools = []`: one list under two names
                scope_key = id(info[0]) if where == "local" else None  # type: ignore[index]
                return found + chained.get((scope_key, expr.id), [])
            return []

        chained: Dict[Tuple[Optional[int], str], List[Tuple[ast.expr, str]]] = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Assign) and len(node.targets) > 1:
                attributes = [t for t in node.targets if isinstance(t, ast.Attribute) and t.attr in KEYWORDS]
                scope = self.place.get(id(node), (None, None))[0]
                for each in node.targets:
                    if isinstance(each, ast.Name):
                        chained.setdefault((id(scope) if scope is not None else None, each.id), []).extend(
                            (a.value, a.attr) for a in attributes)

        for node in ast.walk(self.tree):
            if isinstance(node, ast.Assign):
                for each in node.targets:
                    target(each, node.value, "whole", node)
                    if isinstance(each, ast.Subscript):  # alias[key] = value
                        for receiver, attribute in containers(each.value, node):
                            if not isinstance(each.value, ast.Attribute):
                                record(receiver, attribute, node.value, "element", node)
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
                target(node.target, node.value, "whole", node)
                if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):  # alias += [...]
                    for receiver, attribute in containers(node.target, node):
                        record(receiver, attribute, node.value, "whole", node)
            elif isinstance(node, ast.Call):
                func = node.func
                pairs = containers(func.value, node) if isinstance(func, ast.Attribute) \
                    and func.attr in CONTAINER_MUTATORS else []
                for receiver, attribute in pairs:
                    index, shape = CONTAINER_MUTATORS[func.attr]  # type: ignore[union-attr]
                    value = node.args[index] if len(node.args) > index else None
                    if func.attr == "update" and node.keywords:  # type: ignore[union-attr]
                        record(receiver, attribute, ast.Dict(
                            keys=[ast.Constant(k.arg) if k.arg else None for k in node.keywords],
                            values=[k.value for k in node.keywords]), "whole", node)
                    if value is not None or not node.keywords:
                        record(receiver, attribute, value, shape, node)
                if pairs:
                    continue
                if isinstance(func, ast.Attribute) and func.attr in AGENT_MUTATORS:
                    attribute, shape = AGENT_MUTATORS[func.attr]
                    record(func.value, attribute, node.args[0] if node.args else None, shape, node)
                elif isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) == 3:
                    name = node.args[1]
                    if isinstance(name, ast.Constant) and isinstance(name.value, str):
                        if name.value in KEYWORDS:
                            record(node.args[0], name.value, node.args[2], "whole", node)
                    else:
                        record(node.args[0], "*", node.args[2], "whole", node)
        return sites

    # -- scopes and names ---------------------------------------------------------------------
    def _lookup(self, name: str, scope: Optional[Scope]) -> Tuple[str, object]:
        """Where ``name`` read in ``scope`` is bound: ("param", scope), ("local", (scope, values, functions)),
        ("opaque", scope), ("module", None)."""
        while scope is not None:
            if name in _parameter_names(scope):
                return "param", scope
            if not isinstance(scope, ast.Lambda):
                if id(scope) not in self._scope_bindings:
                    self._scope_bindings[id(scope)] = _bindings(scope.body) + (
                        [s for s in _shallow(scope.body) if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))],)
                values, opaque, defs = self._scope_bindings[id(scope)]
                functions = [s for s in defs if s.name == name]
                if name in values or functions:
                    return "local", (scope, values.get(name, []), functions)
                if name in opaque:
                    return "opaque", scope
            scope = self.parent_scope.get(id(scope))
        return "module", None

    def _class_family(self, cls: ast.ClassDef) -> List[ast.ClassDef]:
        """The class, its module bases (transitively) and its module subclasses: one object may be any of them."""
        family: List[ast.ClassDef] = []
        todo = [cls]
        while todo:
            current = todo.pop()
            if current in family:
                continue
            family.append(current)
            for base in current.bases:
                name = _dotted(base)
                if name in self.classes:
                    todo.append(self.classes[name])
            for other in self.classes.values():
                if any(_dotted(b) == current.name for b in other.bases):
                    todo.append(other)
        return family

    def _mro(self, cls: ast.ClassDef) -> List[ast.ClassDef]:
        found: List[ast.ClassDef] = []
        todo = [cls]
        while todo:
            current = todo.pop(0)
            if current in found:
                continue
            found.append(current)
            todo += [self.classes[n] for n in map(_dotted, current.bases) if n in self.classes]
        return found

    def _agno_agent_base(self, cls: ast.ClassDef) -> Optional[str]:
        """The agno Agent/Team class ``cls`` derives from through the module's classes, if any."""
        for each in self._mro(cls):
            for base in each.bases:
                if self.qualify(base) in AGENT_CLASSES:
                    return self.qualify(base)
        return None

    def _subclass(self, subclass: ast.ClassDef, result: Verdict, depth: int, seen: Set[int]) -> None:
        """What an agno Agent/Team subclass of this module adds: class attributes, the keywords it passes to
        its base's ``__init__``, what its methods set on ``self``; overriding a run method is the user's code."""
        # The verifier's not-an-agent check treats it as another class; whatever it overrides is its own code.
        result.hidden.append(Item("tool", f"{subclass.name}", "(a subclass of agno's agent defined here)"))
        for each in self._mro(subclass):
            values, _ = _bindings([s for s in each.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))])
            for name, bound in values.items():
                if name in KEYWORDS:
                    for value in bound:
                        self._keyword(name, value, None, each, result, depth, seen, f"in class {each.name}")
            for method in (s for s in each.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))):
                for node in ast.walk(method):
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                            and node.func.attr == "__init__":
                        for keyword in node.keywords:
                            if keyword.arg is None:
                                self._splat(keyword.value, method, each, result, depth, seen)
                            elif keyword.arg in KEYWORDS:
                                self._keyword(keyword.arg, keyword.value, method, each, result, depth, seen, "")
        family = {id(c) for c in self._mro(subclass)}
        for site in self.sites:
            if isinstance(site.receiver, ast.Name) and site.receiver.id in ("self", "cls") \
                    and site.cls is not None and id(site.cls) in family:
                where = f"set on self.{site.attribute} at line {site.line}"
                if site.attribute == "*" or site.value is None:
                    result.hidden.append(Item("tool", "self changed", where))
                    continue
                kind = KEYWORDS[site.attribute]
                if site.shape == "element":
                    kind = {TOOLS: "tool", HOOKS: "tool hook", AGENTS: AGENT, CONTEXT: "context value"}.get(kind, kind)
                self._keyword_kind(kind, site.value, site.scope, site.cls, result, depth, seen, where)

    def _method(self, cls: ast.ClassDef, name: str) -> Optional[FunctionNode]:
        for each in self._mro(cls):
            for statement in each.body:
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
                    return statement
        return None

    # -- what an expression may be --------------------------------------------------------------
    def resolve(self, node: ast.expr, scope: Optional[Scope], cls: Optional[ast.ClassDef],
                depth: int = 0) -> Resolution:
        key = (node, id(scope))  # the node itself: it stays alive, its id is never reused
        if key in self._resolutions:
            return self._resolutions[key]
        self._resolutions[key] = Resolution(unknown=["(recursive)"])  # a cycle: nothing more to see
        result = self._resolve(node, scope, cls, depth)
        self._resolutions[key] = result
        return result

    def _resolve(self, node: ast.expr, scope: Optional[Scope], cls: Optional[ast.ClassDef], depth: int) -> Resolution:
        found = Resolution()
        if depth > self.MAX_DEPTH:
            found.unknown.append("too deep")
            return found
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                found.add(self.resolve(value, scope, cls, depth + 1))
            return found
        if isinstance(node, ast.IfExp):
            found.add(self.resolve(node.body, scope, cls, depth + 1))
            found.add(self.resolve(node.orelse, scope, cls, depth + 1))
            return found
        if isinstance(node, ast.NamedExpr):
            return self.resolve(node.value, scope, cls, depth + 1)
        if isinstance(node, ast.Constant) and node.value is None:
            return found
        if isinstance(node, ast.Name):
            return self._resolve_name(node.id, scope, cls, depth)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = node.value.id
            if owner in ("self", "cls") and cls is not None:
                return self._resolve_attribute(cls, node.attr, depth)
            if owner in self.classes and self._lookup(owner, scope)[0] == "module":
                return self._resolve_attribute(self.classes[owner], node.attr, depth)
        if isinstance(node, ast.Call):
            return self._resolve_call(node, scope, cls, depth)
        found.unknown.append(f"{ast.unparse(node)} is not built in this module")
        return found

    def _resolve_name(self, name: str, scope: Optional[Scope], cls: Optional[ast.ClassDef], depth: int) -> Resolution:
        found = Resolution()
        where, info = self._lookup(name, scope)
        if where == "param":
            found.keys.add(("name", id(info), name))
            found.unknown.append(f"{name} is passed in")
            return found
        if where == "opaque":
            found.keys.add(("name", id(info), name))
            found.unknown.append(f"{name} is bound where this module cannot follow it")
            return found
        if where == "local":
            local_scope, values, functions = info  # type: ignore[misc]
            found.keys.add(("name", id(local_scope), name))
            for value in values:
                found.add(self.resolve(value, local_scope, self.place.get(id(value), (None, cls))[1], depth + 1))
            if functions:
                found.others.append(name)
            return found
        found.keys.add(("name", None, name))
        if name in self.module_bindings:
            for value in self.module_bindings[name]:
                found.add(self.resolve(value, None, None, depth + 1))
            return found
        if name in self.imports:
            if self.imports[name].split(".")[0] in _STDLIB_HINTS:
                found.others.append(name)  # a standard module: `subprocess.run(...)` is no agent's
            else:
                found.unknown.append(f"{name} is imported")
            return found
        if name in self.functions or name in self.classes:
            found.others.append(name)
            return found
        found.unknown.append(f"{name} is not bound in this module")
        return found

    def _resolve_attribute(self, cls: ast.ClassDef, attribute: str, depth: int) -> Resolution:
        found = Resolution()
        family = self._class_family(cls)
        found.keys.add(("attr", tuple(sorted(c.name for c in family)), attribute))
        any_binding = False
        for each in family:
            for statement in each.body:
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == attribute:
                    any_binding = True
                    if any(self.qualify(_decorator_name(d)).split(".")[-1] in ("property", "cached_property")
                           or _decorator_name(d) in PROPERTIES for d in statement.decorator_list):
                        for value in _returned_values(statement):
                            found.add(self.resolve(value, statement, each, depth + 1))
                    else:
                        found.others.append(f"{each.name}.{attribute}")
            class_values, _ = _bindings([s for s in each.body if not isinstance(s, (ast.FunctionDef,
                                                                                     ast.AsyncFunctionDef))])
            for value in class_values.get(attribute, []):
                any_binding = True
                found.add(self.resolve(value, None, each, depth + 1))
            for method in (s for s in each.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))):
                for node in ast.walk(method):
                    targets: Sequence[ast.AST] = ()
                    value: Optional[ast.expr] = None
                    if isinstance(node, ast.Assign):
                        targets, value = node.targets, node.value
                    elif isinstance(node, ast.AnnAssign) and node.value is not None:
                        targets, value = [node.target], node.value
                    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr" \
                            and len(node.args) == 3 and isinstance(node.args[0], ast.Name) \
                            and node.args[0].id == "self" and isinstance(node.args[1], ast.Constant) \
                            and node.args[1].value == attribute:
                        any_binding = True
                        found.add(self.resolve(node.args[2], self.place.get(id(node), (None, None))[0], each,
                                               depth + 1))
                        continue
                    for each_target in targets:
                        if isinstance(each_target, ast.Attribute) and isinstance(each_target.value, ast.Name) \
                                and each_target.value.id in ("self", "cls") and each_target.attr == attribute:
                            any_binding = True
                            assert value is not None
                            found.add(self.resolve(value, self.place.get(id(node), (None, None))[0], each, depth + 1))
        if not any_binding:
            found.unknown.append(f"{cls.name}.{attribute} is not built in this module")
        return found

    def _resolve_call(self, call: ast.Call, scope: Optional[Scope], cls: Optional[ast.ClassDef],
                      depth: int) -> Resolution:
        found = Resolution()
        qualified = self.qualify(call.func)
        if qualified in AGENT_CLASSES:
            keywords: List[Tuple[Optional[str], ast.expr]] = [(k.arg, k.value) for k in call.keywords]
            found.constructions.append(Construction(call, keywords, scope, cls, qualified in TEAM_CLASSES))
            return found
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in ("deep_copy", "copy", "model_copy"):
            source = self.resolve(func.value, scope, cls, depth + 1)
            if source.constructions or source.unknown:
                found.add(source)
                keywords = []
                for keyword in call.keywords:
                    if keyword.arg == "update":
                        keywords.append((None, keyword.value))
                    elif keyword.arg is None:
                        keywords.append((None, keyword.value))
                if keywords or call.args:
                    keywords += [(None, a) for a in call.args]
                    found.constructions.append(Construction(call, keywords, scope, cls,
                                                            any(c.team for c in source.constructions)))
                return found
        if qualified in COPIES and call.args:
            return self.resolve(call.args[0], scope, cls, depth + 1)
        builders: List[Tuple[FunctionNode, Optional[ast.ClassDef]]] = []
        if isinstance(func, ast.Name):
            where, info = self._lookup(func.id, scope)
            if where == "local":
                builders += [(f, cls) for f in info[2]]  # type: ignore[index]
            elif where == "module" and func.id in self.functions:
                builders += [(f, None) for f in self.functions[func.id]]
            elif where == "module" and func.id in self.classes:
                agno_base = self._agno_agent_base(self.classes[func.id])
                if agno_base is not None:
                    found.constructions.append(Construction(call, [(k.arg, k.value) for k in call.keywords], scope,
                                                            cls, agno_base in TEAM_CLASSES, self.classes[func.id]))
                else:
                    found.others.append(func.id)
                return found
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner = func.value.id
            if owner in ("self", "cls") and cls is not None:
                for each in self._class_family(cls):
                    method = next((s for s in each.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                                   and s.name == func.attr), None)
                    if method is not None:
                        builders.append((method, each))
            elif owner in self.classes:
                method = self._method(self.classes[owner], func.attr)
                if method is not None:
                    builders.append((method, self.classes[owner]))
        if builders:
            for builder, owner_cls in builders:
                returned = _returned_values(builder)
                if isinstance(builder, ast.AsyncFunctionDef) or not returned:
                    found.unknown.append(f"{builder.name}() returns no agent this module shows")
                for value in returned:
                    found.add(self.resolve(value, builder, owner_cls, depth + 1))
            return found
        dotted = _dotted(func) or ""
        if dotted and dotted.split(".")[-1][:1].isupper():  # another class (agno's PerformanceEval, a Workflow...)
            found.others.append(dotted)
            return found
        found.unknown.append(f"{ast.unparse(call)} is not built in this module")
        return found

    # -- the verdict ----------------------------------------------------------------------------
    def verdict(self, receiver: ast.expr, scope: Optional[Scope], cls: Optional[ast.ClassDef],
                depth: int = 0, seen: Optional[Set[int]] = None) -> Verdict:
        """What the module shows of the callables the agent ``receiver`` (read in ``scope``/``cls``) may run."""
        seen = set() if seen is None else seen
        result = Verdict()
        resolution = self.resolve(receiver, scope, cls)
        if resolution.unknown:
            result.unknown += resolution.unknown
        result.not_agents += [o for o in resolution.others if o not in result.not_agents]
        for construction in resolution.constructions:
            if id(construction.node) in seen:
                continue
            seen.add(id(construction.node))
            result.built_here = True
            result.team = result.team or construction.team
            if construction.subclass is not None:
                self._subclass(construction.subclass, result, depth, seen)
            for name, value in construction.keywords:
                if name is None:
                    self._splat(value, construction.scope, construction.cls, result, depth, seen)
                elif name in KEYWORDS:
                    self._keyword(name, value, construction.scope, construction.cls, result, depth, seen, "")
        self._mutations(resolution, result, depth, seen, _spelled(receiver))
        return result

    def _splat(self, value: ast.expr, scope: Optional[Scope], cls: Optional[ast.ClassDef], result: Verdict,
               depth: int, seen: Set[int]) -> None:
        """``**value`` (or a deep_copy's ``update=value``): keywords from a dict this module shows, else hidden."""
        for dictionary in self._dicts(value, scope, depth):
            if dictionary is None:
                result.hidden.append(Item("tool", f"**{ast.unparse(value)}"))
                continue
            for key, item in zip(dictionary.keys, dictionary.values):
                if key is None:
                    self._splat(item, scope, cls, result, depth + 1, seen)
                elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                    if key.value in KEYWORDS:
                        self._keyword(key.value, item, scope, cls, result, depth, seen, "")
                else:
                    result.hidden.append(Item("tool", f"**{ast.unparse(value)}"))

    def _dicts(self, value: ast.expr, scope: Optional[Scope], depth: int) -> List[Optional[ast.Dict]]:
        if isinstance(value, ast.Dict):
            return [value]
        if isinstance(value, ast.Call) and _dotted(value.func) == "dict" and not value.args:
            return [ast.Dict(keys=[ast.Constant(k.arg) if k.arg else None for k in value.keywords],
                             values=[k.value for k in value.keywords])]
        if isinstance(value, ast.Name) and depth < self.MAX_DEPTH:
            values = self._name_values(value.id, scope)
            if values is not None and values:
                out: List[Optional[ast.Dict]] = []
                for bound, bound_scope in values:
                    out += self._dicts(bound, bound_scope, depth + 1)
                return out
        return [None]

    def _name_values(self, name: str, scope: Optional[Scope]) -> Optional[List[Tuple[ast.expr, Optional[Scope]]]]:
        """The values ``name`` is bound to by assignment (None: a parameter, an import, bound otherwise)."""
        where, info = self._lookup(name, scope)
        if where == "local":
            local_scope, values, _ = info  # type: ignore[misc]
            return [(v, local_scope) for v in values] or None
        if where == "module" and name in self.module_bindings:
            return [(v, None) for v in self.module_bindings[name]]
        return None

    def _mutations(self, resolution: Resolution, result: Verdict, depth: int, seen: Set[int], spelled: str) -> None:
        """(b): what code of the module adds to this agent after its construction."""
        mine = {id(c.node) for c in resolution.constructions}
        for site in self.sites:
            if isinstance(site.receiver, ast.Name) and site.receiver.id in ("self", "cls"):
                continue  # an attribute of the class's own instance: not an agno agent's
            other = self.resolve(site.receiver, site.scope, site.cls)
            certain = bool(mine & {id(c.node) for c in other.constructions}) or bool(resolution.keys & other.keys)
            possible = not certain and not other.constructions and not other.others and bool(other.unknown)
            if not (certain or possible):
                continue
            found = Verdict()
            where = f"added to {ast.unparse(site.receiver)}.{site.attribute} at line {site.line}"
            if site.attribute == "*" or site.value is None:
                found.hidden.append(Item("tool", f"{ast.unparse(site.receiver)} changed", f"line {site.line}"))
            else:
                kind = KEYWORDS[site.attribute]
                if site.shape == "element":
                    kind = {TOOLS: "tool", HOOKS: "tool hook", AGENTS: AGENT, CONTEXT: "context value"}.get(kind, kind)
                self._keyword_kind(kind, site.value, site.scope, site.cls, found, depth, seen, where)
            result.asyncs.extend(i for i in found.asyncs if i not in result.asyncs)
            result.team = result.team or found.team
            if certain:
                result.hidden.extend(i for i in found.hidden if i not in result.hidden)
                result.unknown.extend(u for u in found.unknown if u not in result.unknown)
            elif found.hidden or found.unknown:
                note = f"{ast.unparse(site.receiver)}.{site.attribute} changed at line {site.line} may be {spelled}'s"
                if note not in result.unknown:
                    result.unknown.append(note)

    def _keyword(self, name: str, value: ast.expr, scope: Optional[Scope], cls: Optional[ast.ClassDef],
                 result: Verdict, depth: int, seen: Set[int], where: str) -> None:
        self._keyword_kind(KEYWORDS[name], value, scope, cls, result, depth, seen, where)

    def _keyword_kind(self, kind: str, value: ast.expr, scope: Optional[Scope], cls: Optional[ast.ClassDef],
                      result: Verdict, depth: int, seen: Set[int], where: str) -> None:
        if depth > self.MAX_DEPTH:
            result.hidden.append(Item("tool", ast.unparse(value), where))
            return
        if kind == TOOLS:
            for element, element_scope in self._elements(value, scope, depth, result, "tool", where):
                self._callable(element, element_scope, cls, "tool", result, depth + 1, where)
        elif kind == "tool":
            self._callable(value, scope, cls, "tool", result, depth + 1, where)
        elif kind == HOOKS:
            for element, element_scope in self._elements(value, scope, depth, result, "tool hook", where):
                self._callable(element, element_scope, cls, "tool hook", result, depth + 1, where)
        elif kind == "tool hook":
            self._callable(value, scope, cls, "tool hook", result, depth + 1, where)
        elif kind == CALLABLE:
            self._callable(value, scope, cls, "retriever", result, depth + 1, where)
        elif kind == CONTEXT:
            for dictionary in self._dicts(value, scope, depth):
                if dictionary is None:
                    result.hidden.append(Item("context function", ast.unparse(value), where))
                    continue
                for item in dictionary.values:
                    self._context_value(item, scope, cls, result, depth + 1, where)
        elif kind == "context value":
            self._context_value(value, scope, cls, result, depth + 1, where)
        elif kind == OBJECT:
            self._object(value, scope, cls, result, depth + 1, where)
        elif kind == AGENT:
            self._agent(value, scope, cls, result, depth + 1, seen)
        elif kind == AGENTS:
            for element, element_scope in self._elements(value, scope, depth, result, "tool", where):
                self._agent(element, element_scope, cls, result, depth + 1, seen)
        else:  # OPAQUE
            result.hidden.append(Item("tool", ast.unparse(value), where))

    def _agent(self, value: ast.expr, scope: Optional[Scope], cls: Optional[ast.ClassDef], result: Verdict,
               depth: int, seen: Set[int]) -> None:
        member = self.verdict(value, scope, cls, depth + 1, seen)
        result.asyncs.extend(i for i in member.asyncs if i not in result.asyncs)
        result.hidden.extend(i for i in member.hidden if i not in result.hidden)
        # A member this module does not show, inside a construction it does show: hidden.
        result.hidden.extend(Item("tool", f"member {ast.unparse(value)}", u) for u in member.unknown
                             if Item("tool", f"member {ast.unparse(value)}", u) not in result.hidden)
        result.members = result.members or bool(member.asyncs)

    def _elements(self, value: ast.expr, scope: Optional[Scope], depth: int, result: Verdict, kind: str,
                  where: str) -> Iterator[Tuple[ast.expr, Optional[Scope]]]:
        """The elements of a list of callables, as far as the module shows them."""
        if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
            for element in value.elts:
                if isinstance(element, ast.Starred):
                    yield from self._elements(element.value, scope, depth + 1, result, kind, where)
                else:
                    yield element, scope
            return
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            yield from self._elements(value.left, scope, depth + 1, result, kind, where)
            yield from self._elements(value.right, scope, depth + 1, result, kind, where)
            return
        if isinstance(value, ast.Constant) and value.value is None:
            return
        if isinstance(value, ast.Attribute) and value.attr in KEYWORDS:
            return  # `agent.tools + [...]`: the agent's own list, seen where it is built
        if isinstance(value, ast.Name) and depth < self.MAX_DEPTH:
            values = self._name_values(value.id, scope)
            if values:
                for bound, bound_scope in values:
                    yield from self._elements(bound, bound_scope, depth + 1, result, kind, where)
                # The list itself may be changed in place: LIST.append(x) anywhere it is visible.
                for node in ast.walk(self.tree):
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                            and isinstance(node.func.value, ast.Name) and node.func.value.id == value.id \
                            and node.func.attr in CONTAINER_MUTATORS:
                        index, shape = CONTAINER_MUTATORS[node.func.attr]
                        if len(node.args) > index:
                            arg_scope = self.place.get(id(node), (None, None))[0]
                            if shape == "element":
                                yield node.args[index], arg_scope
                            else:
                                yield from self._elements(node.args[index], arg_scope, depth + 1, result, kind, where)
                    elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) \
                            and node.target.id == value.id:
                        yield from self._elements(node.value, self.place.get(id(node), (None, None))[0],
                                                  depth + 1, result, kind, where)
                return
        result.hidden.append(Item(kind, ast.unparse(value), where))

    def _function(self, function: FunctionNode, name: str, kind: str, result: Verdict, where: str,
                  cls: Optional[ast.ClassDef]) -> None:
        if isinstance(function, ast.AsyncFunctionDef):
            result.asyncs.append(Item(kind, name, where))
            return
        for decorator in function.decorator_list:
            dotted = _decorator_name(decorator)
            qualified = self.qualify(dotted)
            if qualified in TOOL_DECORATORS:
                if isinstance(decorator, ast.Call):
                    self._tool_options(decorator, self.place.get(id(decorator), (None, None))[0], cls, result, 0,
                                       where)
                continue
            if qualified in PLAIN_DECORATORS or (dotted or "") in PLAIN_DECORATORS or dotted in PROPERTIES:
                continue
            result.hidden.append(Item(kind, f"{name} (decorated with @{ast.unparse(decorator)})", where))

    def _tool_options(self, call: ast.Call, scope: Optional[Scope], cls: Optional[ast.ClassDef], result: Verdict,
                      depth: int, where: str) -> None:
        """The hooks of a Function(...) or tool(...): pre_hook, post_hook, tool_hooks."""
        for keyword in call.keywords:
            if keyword.arg in ("pre_hook", "post_hook"):
                self._callable(keyword.value, scope, cls, "pre/post hook", result, depth + 1, where)
            elif keyword.arg == "tool_hooks":
                self._keyword_kind(HOOKS, keyword.value, scope, cls, result, depth + 1, set(), where)
            elif keyword.arg == "entrypoint":
                self._callable(keyword.value, scope, cls, "tool", result, depth + 1, where)
            elif keyword.arg is None:
                result.hidden.append(Item("tool", f"**{ast.unparse(keyword.value)}", where))

    def _callable(self, node: ast.expr, scope: Optional[Scope], cls: Optional[ast.ClassDef], kind: str,
                  result: Verdict, depth: int, where: str) -> None:
        """Is ``node`` (a tool, a hook, a retriever) visibly sync?  Adds what it is not to ``result``."""
        spelled = ast.unparse(node)
        if depth > self.MAX_DEPTH:
            result.hidden.append(Item(kind, spelled, where))
            return
        if isinstance(node, ast.Lambda):
            # A lambda is sync, but its result may be awaitable (agno awaits a retriever's awaitable result).
            for call in (n for n in ast.walk(node.body) if isinstance(n, ast.Call)):
                probe = Verdict()
                self._callable(call.func, node, cls, kind, probe, depth + 1, where)
                if probe.asyncs:
                    result.asyncs.append(Item(kind, spelled, where))
                    return
            return
        if isinstance(node, ast.Dict):
            return  # a tool schema: agno runs nothing
        if isinstance(node, ast.Name):
            where_bound, info = self._lookup(node.id, scope)
            if where_bound == "local":
                _, values, functions = info  # type: ignore[misc]
                for function in functions:
                    self._function(function, node.id, kind, result, where, cls)
                for value in values:
                    self._callable(value, self.place.get(id(value), (scope, cls))[0], cls, kind, result, depth + 1,
                                   where)
                return
            if where_bound in ("param", "opaque"):
                result.hidden.append(Item(kind, spelled, where))
                return
            if node.id in self.functions or node.id in self.module_bindings:
                for function in self.functions.get(node.id, []):
                    self._function(function, node.id, kind, result, where, None)
                for value in self.module_bindings.get(node.id, []):
                    self._callable(value, None, None, kind, result, depth + 1, where)
                return
            if node.id in self.classes:
                self._class(self.classes[node.id], kind, result, where, instance=False)
                return
            result.hidden.append(Item(kind, spelled, where))
            return
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = node.value.id
            target_cls = cls if owner in ("self", "cls") else (
                self.classes.get(owner) if self._lookup(owner, scope)[0] == "module" else None)
            if target_cls is not None:
                method = self._method(target_cls, node.attr)
                if method is not None:
                    self._function(method, spelled, kind, result, where, target_cls)
                    return
                if owner in ("self", "cls"):
                    for value, value_scope, value_cls in self._attribute_values(target_cls, node.attr):
                        self._callable(value, value_scope, value_cls, kind, result, depth + 1, where)
                    if self._attribute_values(target_cls, node.attr):
                        return
            else:
                instance = self.resolve(node.value, scope, cls, depth + 1)
                classes = [self.classes[o] for o in instance.others if o in self.classes]
                if classes and not instance.unknown and not instance.constructions:
                    for each in classes:
                        method = self._method(each, node.attr)
                        if method is None:
                            result.hidden.append(Item(kind, spelled, where))
                        else:
                            self._function(method, spelled, kind, result, where, each)
                    return
            result.hidden.append(Item(kind, spelled, where))
            return
        if isinstance(node, ast.Call):
            qualified = self.qualify(node.func)
            if qualified in FUNCTION_CLASSES:
                self._tool_options(node, scope, cls, result, depth, where)
                return
            if isinstance(node.func, ast.Attribute) and self.qualify(node.func.value) in FUNCTION_CLASSES:
                for arg in node.args[:1]:  # Function.from_callable(f)
                    self._callable(arg, scope, cls, kind, result, depth + 1, where)
                return
            if qualified in TOOL_DECORATORS:  # tool(f) or tool(**options) used as a value
                self._tool_options(node, scope, cls, result, depth, where)
                for arg in node.args[:1]:
                    self._callable(arg, scope, cls, kind, result, depth + 1, where)
                return
            if isinstance(node.func, ast.Call) and self.qualify(node.func.func) in TOOL_DECORATORS:
                self._tool_options(node.func, scope, cls, result, depth, where)
                for arg in node.args[:1]:
                    self._callable(arg, scope, cls, kind, result, depth + 1, where)
                return
            if qualified in PARTIALS and node.args:
                self._callable(node.args[0], scope, cls, kind, result, depth + 1, where)
                return
            if isinstance(node.func, ast.Name) and node.func.id in self.classes \
                    and self._lookup(node.func.id, scope)[0] == "module":
                self._class(self.classes[node.func.id], kind, result, where, instance=True)
                return
            if isinstance(node.func, ast.Name) and node.func.id in self.functions \
                    and self._lookup(node.func.id, scope)[0] == "module":
                builders = self.functions[node.func.id]
                for builder in builders:
                    returned = _returned_values(builder)
                    if isinstance(builder, ast.AsyncFunctionDef) or not returned:
                        result.hidden.append(Item(kind, spelled, where))
                    for value in returned:
                        self._callable(value, builder, None, kind, result, depth + 1, where)
                return
            # Anything else built from an async function this module shows is still async.
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(arg, (ast.Name, ast.Attribute)):
                    probe = Verdict()
                    self._callable(arg, scope, cls, kind, probe, depth + 1, where)
                    result.asyncs.extend(probe.asyncs)
            result.hidden.append(Item(kind, spelled, where))
            return
        result.hidden.append(Item(kind, spelled, where))

    def _attribute_values(self, cls: ast.ClassDef, attribute: str
                          ) -> List[Tuple[ast.expr, Optional[Scope], Optional[ast.ClassDef]]]:
        found: List[Tuple[ast.expr, Optional[Scope], Optional[ast.ClassDef]]] = []
        for each in self._class_family(cls):
            values, _ = _bindings([s for s in each.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))])
            found += [(v, None, each) for v in values.get(attribute, [])]
            for node in ast.walk(each):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                                and target.value.id == "self" and target.attr == attribute:
                            found.append((node.value, self.place.get(id(node), (None, None))[0], each))
        return found

    def _class(self, cls: ast.ClassDef, kind: str, result: Verdict, where: str, instance: bool) -> None:
        """A module class used as a tool (a Toolkit instance) or a callable object."""
        mro = self._mro(cls)
        asyncs = [f"{c.name}.{s.name}" for c in mro for s in c.body if isinstance(s, ast.AsyncFunctionDef)]
        result.asyncs += [Item(kind, name, where) for name in asyncs]
        for each in mro:
            for base in each.bases:
                name = _dotted(base)
                if name in self.classes or self.qualify(base) in TOOLKIT_CLASSES or name == "object":
                    continue
                result.hidden.append(Item(kind, f"{cls.name} (its base {ast.unparse(base)} is not visible here)",
                                          where))
            # The callables it registers itself: Toolkit.__init__(tools=[...]), self.register(f).
            for node in ast.walk(each):
                if not isinstance(node, ast.Call):
                    continue
                node_scope = self.place.get(id(node), (None, None))[0]
                for keyword in node.keywords:
                    if keyword.arg == "tools":
                        for element, element_scope in self._elements(keyword.value, node_scope, 0, result, kind,
                                                                     where):
                            self._callable(element, element_scope, each, kind, result, 1, where)
                if isinstance(node.func, ast.Attribute) and node.func.attr == "register" and node.args:
                    self._callable(node.args[0], node_scope, each, kind, result, 1, where)

    def _object(self, value: ast.expr, scope: Optional[Scope], cls: Optional[ast.ClassDef], result: Verdict,
                depth: int, where: str) -> None:
        """knowledge=, memory=, storage=, model=...: agno calls their sync methods in run(), the async ones in
        arun().  Objects of agno's (or another module's) classes are trusted to keep the twins equal; an
        object of a class defined here is the user's: its async methods are visible."""
        resolution = self.resolve(value, scope, cls, depth + 1)
        for name in resolution.others:
            if name not in self.classes:
                continue
            each = self.classes[name]
            probe = Verdict()
            self._class(each, "object", probe, where, instance=True)
            if probe.asyncs:
                result.asyncs.append(Item("object", f"{ast.unparse(value)}: a {name} "
                                          f"({', '.join(i.name for i in probe.asyncs)})", where))
            else:
                result.hidden.append(Item("object", f"{ast.unparse(value)}: a {name}, defined here", where))
        # What it is built from: AgentKnowledge(vector_db=MyVectorDb()) calls the vector db's twins in turn.
        if isinstance(value, ast.Call) and depth < self.MAX_DEPTH and not (
                isinstance(value.func, ast.Name) and value.func.id in self.classes):
            for part in [*value.args, *(k.value for k in value.keywords)]:
                if isinstance(part, (ast.Call, ast.Name)):
                    self._object(part, scope, cls, result, depth + 1, where)

    def _context_value(self, value: ast.expr, scope: Optional[Scope], cls: Optional[ast.ClassDef], result: Verdict,
                       depth: int, where: str) -> None:
        """A value of ``context={...}``: agno calls callables (arun() awaits what they return); data stays."""
        if depth > self.MAX_DEPTH:
            result.hidden.append(Item("context function", ast.unparse(value), where))
            return
        if isinstance(value, (ast.Constant, ast.JoinedStr, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.BinOp,
                              ast.Compare, ast.Subscript, ast.ListComp, ast.DictComp, ast.SetComp)):
            return
        if isinstance(value, ast.Lambda):
            self._callable(value, scope, cls, "context function", result, depth, where)
            return
        if isinstance(value, ast.Call):
            func = value.func
            if isinstance(func, ast.Name):
                bound, info = self._lookup(func.id, scope)
                builders = list(info[2]) if bound == "local" else (  # type: ignore[index]
                    self.functions.get(func.id, []) if bound == "module" else [])
                for builder in builders:
                    for returned in _returned_values(builder):
                        self._context_value(returned, builder, cls, result, depth + 1, where)
            return  # a call's result: data (unless a function of this module returns a callable)
        if isinstance(value, ast.Name):
            bound, info = self._lookup(value.id, scope)
            if (bound == "local" and info[2]) or (bound == "module" and value.id in self.functions):  # type: ignore[index]
                self._callable(value, scope, cls, "context function", result, depth, where)
                return
            values = self._name_values(value.id, scope)
            if values:
                for each, each_scope in values:
                    self._context_value(each, each_scope, cls, result, depth + 1, where)
                return
        if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) \
                and value.value.id in ("self", "cls") and cls is not None:
            if self._method(cls, value.attr) is not None:
                self._callable(value, scope, cls, "context function", result, depth, where)
                return
            values = self._attribute_values(cls, value.attr)
            if values:
                for each, each_scope, each_cls in values:
                    self._context_value(each, each_scope, each_cls, result, depth + 1, where)
                return
        result.hidden.append(Item("context function", ast.unparse(value), where))


_STDLIB_HINTS = frozenset({"asyncio", "subprocess", "os", "sys", "json", "time", "threading", "concurrent",
                           "functools", "itertools", "logging", "re", "shutil", "pathlib", "typing"})


def _decorator_name(decorator: ast.expr) -> Optional[str]:
    return _dotted(decorator.func if isinstance(decorator, ast.Call) else decorator)


def _spelled(node: ast.expr) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every expression ast.parse makes
        return "<agent>"


def _parameter_names(scope: Scope) -> Set[str]:
    args = scope.args
    names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    for star in (args.vararg, args.kwarg):
        if star is not None:
            names.add(star.arg)
    return names


def _shallow(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a body and of its compound statements (if/try/with/for...), not of nested scopes."""
    todo = list(body)
    while todo:
        statement = todo.pop(0)
        yield statement
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for name in ("body", "orelse", "finalbody"):
            todo += getattr(statement, name, []) or []
        for handler in getattr(statement, "handlers", []) or []:
            todo += handler.body
        for case in getattr(statement, "cases", []) or []:
            todo += case.body


def _bindings(body: Sequence[ast.stmt]) -> Tuple[Dict[str, List[ast.expr]], Set[str]]:
    """``name = value`` in a body (not in nested scopes): name -> values; and names bound otherwise
    (for targets, with ... as, imports, walrus, except ... as, global)."""
    values: Dict[str, List[ast.expr]] = {}
    opaque: Set[str] = set()

    def bind(target: ast.AST, value: Optional[ast.expr]) -> None:
        if isinstance(target, ast.Name):
            if value is None:
                opaque.add(target.id)
            else:
                values.setdefault(target.id, []).append(value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            pairs = value.elts if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) \
                else [None] * len(target.elts)
            for element, element_value in zip(target.elts, pairs):
                bind(element, element_value)
        elif isinstance(target, ast.Starred):
            bind(target.value, None)

    for statement in _shallow(body):
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                bind(target, statement.value)
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            bind(statement.target, statement.value)
        elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
            opaque.add(statement.target.id)
        elif isinstance(statement, (ast.For, ast.AsyncFor)):
            bind(statement.target, None)
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            for item in statement.items:
                if item.optional_vars is not None:
                    bind(item.optional_vars, None)
        elif isinstance(statement, (ast.Global, ast.Nonlocal)):
            opaque.update(statement.names)
        elif isinstance(statement, ast.Try):
            for handler in statement.handlers:
                if handler.name:
                    opaque.add(handler.name)
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for node in ast.walk(statement):
                if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                    values.setdefault(node.target.id, []).append(node.value)
    for name in list(opaque):
        if name in values:
            opaque.discard(name)
            values[name].append(ast.Name(id=f"<{name} rebound>", ctx=ast.Load()))
    return values, opaque


def _returned_values(function: FunctionNode) -> List[ast.expr]:
    found: List[ast.expr] = []
    todo: List[ast.AST] = list(function.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Return) and node.value is not None:
            found.append(node.value)
        todo.extend(ast.iter_child_nodes(node))
    return found


# -- the verifier's question ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncRun:
    """A sync ``<agent>.run(...)``/``print_response(...)`` whose agent may run callables a sync run cannot."""

    line: int
    owner: str  # the class holding the call ("" at module level)
    receiver: str  # the agent as written, e.g. "self.desk"
    method: str  # the function holding the call
    call: str  # "run" or "print_response"
    reason: str


def innermost(agents: ModuleAgents, line: int) -> Tuple[Optional[Scope], Optional[ast.ClassDef]]:
    """The innermost function (or lambda) around ``line`` and the class ``self`` means there."""
    scope: Optional[Scope] = None
    cls: Optional[ast.ClassDef] = None
    for node in ast.walk(agents.tree):
        if not (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
                and node.lineno <= line <= (node.end_lineno or node.lineno)):
            continue
        if isinstance(node, ast.ClassDef):
            if cls is None or node.lineno >= cls.lineno:
                cls = node
        elif scope is None or node.lineno >= scope.lineno:
            scope = node
    if scope is not None:
        cls = agents.place.get(id(scope), (None, None))[1]
    return scope, cls


def risky_sync_runs(tree: ast.Module, agents: Optional[ModuleAgents] = None) -> List[SyncRun]:
    """Sync ``<agent>.run(...)``/``.print_response(...)`` calls whose agent breaks the condition where this
    module shows it: an async callable visible anywhere it may get, or a construction (or a change of it)
    with callables this module cannot show to be sync.  An agent the module does not show at all is not
    reported (AGM004 makes that an unsafe fix)."""
    agents = agents or ModuleAgents(tree)
    found: List[SyncRun] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("run", "print_response")):
            continue
        scope, cls = agents.place.get(id(node), (None, None))
        if isinstance(scope, ast.AsyncFunctionDef):
            continue
        receiver = node.func.value
        if isinstance(receiver, ast.Name) and receiver.id in ("self", "cls", "super"):
            continue
        if isinstance(receiver, ast.Call) and _dotted(receiver.func) == "super":
            continue
        resolution = agents.resolve(receiver, scope, cls)
        method = scope.name if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) else "<lambda>"
        if not resolution.constructions and (resolution.others or not resolution.unknown):
            continue  # visibly not an agno agent (a module, a class of this module)
        verdict = agents.verdict(receiver, scope, cls)
        spelled = _spelled(receiver)
        if verdict.left_alone_reason(spelled) is None:
            continue
        risks = [f"{item.kind} {item.text()} is async" for item in verdict.asyncs]
        risks += [f"{item.kind} {item.text()} is not visible as a sync function here" for item in verdict.hidden]
        reason = ("agno 1.8.4's sync run() rejects async tools (and skips or never awaits other async callables) "
                  f"and {'; '.join(dict.fromkeys(risks))}")
        found.append(SyncRun(node.lineno, cls.name if cls is not None else "", spelled, method, node.func.attr,
                             reason))
    return found


# -- another file of the run --------------------------------------------------------------------------


@dataclass(frozen=True)
class ForeignChange:
    """Code of a file that adds a callable a sync run may not handle to ``<...>.<name>``'s tools/hooks."""

    line: int
    name: str  # the last name of the receiver: "desk" for ``flow.desk.tools.append(...)``
    message: str


def foreign_changes(text: str) -> List[ForeignChange]:
    """What ``text`` (another file of the run) adds to an object's callables (``x.desk.add_tool(f)``,
    ``x.desk.tools.append(f)``, ``x.desk.tool_hooks = [...]``...) that is not visibly sync there.

    One file's rules cannot see these: an engine running several files may take back a sync run of an
    agent of the same name (``self.desk``) that another file changes this way.
    """
    try:
        agents = ModuleAgents(ast.parse(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found: List[ForeignChange] = []
    for site in agents.sites:
        receiver = site.receiver
        if isinstance(receiver, ast.Name) and receiver.id in ("self", "cls"):
            continue
        name = receiver.attr if isinstance(receiver, ast.Attribute) else (
            receiver.id if isinstance(receiver, ast.Name) else "")
        probe = Verdict()
        if site.attribute == "*" or site.value is None:
            probe.hidden.append(Item("tool", f"{ast.unparse(receiver)} changed"))
        else:
            kind = KEYWORDS[site.attribute]
            if site.shape == "element":
                kind = {TOOLS: "tool", HOOKS: "tool hook", AGENTS: AGENT, CONTEXT: "context value"}.get(kind, kind)
            agents._keyword_kind(kind, site.value, site.scope, site.cls, probe, 0, set(), "")
        items = probe.asyncs + probe.hidden
        if items:
            what = ", ".join(dict.fromkeys(item.text() for item in items))
            state = "async" if probe.asyncs else "not visible as sync"
            found.append(ForeignChange(site.line, name, f"{ast.unparse(receiver)}.{site.attribute} gets {what} "
                                                          f"({state})"))
    return sorted(found, key=lambda change: change.line)


def sync_run_receivers(text: str) -> Dict[str, int]:
    """How many sync ``<...>.<name>.run(...)``/``print_response(...)`` calls ``text`` makes, by ``name``
    (the receiver's last name): a migration that adds some may meet another file's :func:`foreign_changes`."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    counts: Dict[str, int] = {}
    async_nodes = {id(inner) for node in ast.walk(tree) if isinstance(node, ast.AsyncFunctionDef)
                   for inner in ast.walk(node)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in ("run", "print_response") and id(node) not in async_nodes:
            receiver = node.func.value
            name = receiver.attr if isinstance(receiver, ast.Attribute) else (
                receiver.id if isinstance(receiver, ast.Name) else "")
            if name:
                counts[name] = counts.get(name, 0) + 1
    return counts

