"""Shared LibCST helpers of the ``--target agno3`` rules (AGM310-AGM349); not a rule itself.

(The registry loads only modules named ``agmNNN_*``; this one is ``agm31_``.)

:class:`Agno3Rule` adds what those rules need to :class:`~codemods.rule.Rule`:

* :meth:`Agno3Rule.owner_of_call`: which agno class a constructor call builds
  (``Agent``, ``Team``, ``Workflow``, ``SqliteDb``...), from the qualified name
  of what is called (so ``from agno.agent import Agent as A; A(...)`` counts,
  a local ``Agent`` class does not);
* :meth:`Agno3Rule.owner_of`: the same for the receiver of a method call:
  a constructor call, a name assigned exactly once (in the scope that reads
  it) from one, or ``self.x`` where ``x`` is bound exactly once in the module,
  as a class attribute or a ``self.x = ...`` in a method, from one.  Anything
  else (a parameter, a name bound twice, a value from elsewhere, the result
  of a factory function) is :data:`UNKNOWN`; a receiver built by a class of
  the module that derives from nothing of agno's, and ``self`` in a class
  that does not derive from an agno class directly, are :data:`OTHER`;
* :func:`edit_args`: renaming and deleting keyword arguments of a call with
  its commas kept right.
"""

from __future__ import annotations

from abc import ABC
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    Assignment,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from codemods import agno3_names as names
from codemods.rule import Rule

#: A receiver whose class cannot be proven.
UNKNOWN = "?"
#: A receiver provably built by something that is not an agno class.
OTHER = "other"


class Agno3Rule(Rule, ABC):  # ABC: a base class, not listed by libcst.tool
    """Base of the agno 3 rules; see the module docstring."""

    METADATA_DEPENDENCIES = (PositionProvider, ScopeProvider, QualifiedNameProvider, ParentNodeProvider)
    triggers: Sequence[str] = ("agno",)

    def __init__(self, context) -> None:
        super().__init__(context)
        self._module_node: Optional[cst.Module] = None
        self._attribute_bindings: Optional[Dict[str, List[Tuple[cst.CSTNode, Optional[cst.BaseExpression]]]]] = None
        self._imports_agno: Optional[bool] = None

    def visit_Module(self, node: cst.Module) -> Optional[bool]:
        self._module_node = node
        self._attribute_bindings = None
        self._imports_agno = None
        return True

    # -- names ------------------------------------------------------------------------
    def qualified(self, node: cst.CSTNode) -> Set[str]:
        return {q.name for q in self.get_metadata(QualifiedNameProvider, node, set())}

    def parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        return self.get_metadata(ParentNodeProvider, node, None)

    def owner_of_call(self, call: cst.Call) -> Optional[str]:
        """The agno class (table owner) ``call`` constructs, or None."""
        return names.receiver_kind(self.qualified(call.func))

    def owner_of(self, expr: cst.BaseExpression) -> str:
        """The agno class of ``expr``'s value: a table owner, :data:`OTHER` or :data:`UNKNOWN`."""
        if isinstance(expr, cst.Name) and expr.value == "self" and self._in_method(expr):
            return self._own_class_owner(expr)
        call = self.constructor_of(expr)
        if call is None:
            return UNKNOWN
        owner = self.owner_of_call(call)
        if owner is not None:
            return owner
        return OTHER if self._is_plain_local_class(call.func) else UNKNOWN

    def _own_class_owner(self, node: cst.CSTNode) -> str:
        """``self``'s class: the agno class it derives from directly (unless it overrides a run method),
        else :data:`OTHER` (its own methods)."""
        current = self.parent(node)
        while current is not None and not isinstance(current, cst.ClassDef):
            current = self.parent(current)
        if not isinstance(current, cst.ClassDef):
            return UNKNOWN
        body = current.body.body if isinstance(current.body, cst.IndentedBlock) else ()
        if any(isinstance(statement, cst.FunctionDef) and statement.name.value in RUN_METHODS for statement in body):
            return OTHER  # it overrides agno's run methods: its own signatures
        for base in current.bases:
            owner = names.receiver_kind(self.qualified(base.value))
            if owner is not None:
                return owner
        return OTHER

    def _is_plain_local_class(self, func: cst.BaseExpression) -> bool:
        """Whether ``func`` names a class defined once in this module that derives from nothing of agno's
        (a factory function may well return an agno Agent: that is not :data:`OTHER`)."""
        if not isinstance(func, cst.Name):
            return False
        scope = self.get_metadata(ScopeProvider, func, None)
        if scope is None:
            return False
        assignments = list(scope[func.value])
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            return False
        definition = assignments[0].node
        if not isinstance(definition, cst.ClassDef):
            return False
        return not any(name.startswith("agno.") for base in definition.bases for name in self.qualified(base.value))

    def constructor_of(self, expr: cst.BaseExpression) -> Optional[cst.Call]:
        """The call that provably built ``expr``'s value (see the module docstring), or None."""
        if isinstance(expr, cst.Call):
            return expr
        if isinstance(expr, cst.Name):
            value = self._single_assigned_value(expr)
            return value if isinstance(value, cst.Call) else None
        if (isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name)
                and expr.value.value == "self" and self._in_method(expr)):
            bindings = self._attribute_binding_map().get(expr.attr.value, [])
            if len(bindings) == 1 and isinstance(bindings[0][1], cst.Call):
                return bindings[0][1]
        return None

    def _single_assigned_value(self, name: cst.Name) -> Optional[cst.BaseExpression]:
        scope = self.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return None
        assignments = list(scope[name.value])
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            return None
        target = assignments[0].node
        holder = self.parent(target)
        if isinstance(holder, cst.AssignTarget):
            statement = self.parent(holder)
            if isinstance(statement, cst.Assign) and len(statement.targets) == 1 and holder.target is target:
                return statement.value
        if isinstance(holder, cst.AnnAssign) and holder.target is target:
            return holder.value
        return None

    def _in_method(self, node: cst.CSTNode) -> bool:
        """Whether ``node`` is in a function defined directly in a class body whose first parameter is ``self``."""
        current = self.parent(node)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.Lambda)):
            current = self.parent(current)
        if not isinstance(current, cst.FunctionDef):
            return False
        params = current.params.params
        if not params or params[0].name.value != "self":
            return False
        block = self.parent(current)
        return isinstance(block, cst.IndentedBlock) and isinstance(self.parent(block), cst.ClassDef)

    def _attribute_binding_map(self) -> Dict[str, List[Tuple[cst.CSTNode, Optional[cst.BaseExpression]]]]:
        """attr -> every binding of it in the module: class-body names and ``x.attr`` stores."""
        if self._attribute_bindings is None:
            collector = _AttributeBindings()
            assert self._module_node is not None
            self._module_node.visit(collector)
            self._attribute_bindings = collector.found
        return self._attribute_bindings

    def module_imports_agno(self) -> bool:
        """Whether the module imports anything from agno (at any depth)."""
        if self._imports_agno is None:
            found = False

            class _Imports(cst.CSTVisitor):
                def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
                    nonlocal found
                    if not node.relative and node.module is not None:
                        found = found or (get_full_name_for_node(node.module) or "").split(".")[0] == "agno"

                def visit_Import(self, node: cst.Import) -> None:
                    nonlocal found
                    found = found or any((get_full_name_for_node(a.name) or "").split(".")[0] == "agno"
                                         for a in node.names)

            assert self._module_node is not None
            self._module_node.visit(_Imports())
            self._imports_agno = found
        return self._imports_agno


class _AttributeBindings(cst.CSTVisitor):
    """Every binding of a name in a class body, and every store to ``<expr>.attr``, by name."""

    def __init__(self) -> None:
        self.found: Dict[str, List[Tuple[cst.CSTNode, Optional[cst.BaseExpression]]]] = {}
        self._class_bodies: List[cst.CSTNode] = []

    def _add(self, name: str, node: cst.CSTNode, value: Optional[cst.BaseExpression]) -> None:
        self.found.setdefault(name, []).append((node, value))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._class_bodies.append(node.body)
        if isinstance(node.body, cst.IndentedBlock):
            for statement in node.body.body:
                if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                    self._add(statement.name.value, statement, None)
                    continue
                for small in getattr(statement, "body", ()):
                    if isinstance(small, cst.Assign):
                        for target in small.targets:
                            for name in _names_in(target.target):
                                self._add(name, small, small.value if len(small.targets) == 1
                                          and isinstance(target.target, cst.Name) else None)
                    elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        self._add(small.target.value, small, small.value)
                    elif isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
                        self._add(small.target.value, small, None)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._class_bodies.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._stores(target.target, node.value if len(node.targets) == 1 else None)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._stores(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._stores(node.target, None)

    def visit_For(self, node: cst.For) -> None:
        self._stores(node.target, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._stores(node.asname.name, None)

    def visit_Del(self, node: cst.Del) -> None:
        self._stores(node.target, None)

    def visit_Call(self, node: cst.Call) -> None:
        # setattr(x, "attr", value): a binding we cannot follow.
        if isinstance(node.func, cst.Name) and node.func.value == "setattr" and len(node.args) >= 2:
            name = node.args[1].value
            if isinstance(name, cst.SimpleString) and isinstance(name.evaluated_value, str):
                self._add(name.evaluated_value, node, None)

    def _stores(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        if isinstance(target, cst.Attribute):
            self._add(target.attr.value, target, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._stores(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._stores(target.value, None)


def _names_in(target: cst.BaseExpression) -> Iterable[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _names_in(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _names_in(target.value)


# -- arguments -------------------------------------------------------------------------


def code_of(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def keyword_of(arg: cst.Arg) -> Optional[str]:
    return arg.keyword.value if arg.keyword is not None and not arg.star else None


def edit_args(args: Sequence[cst.Arg], renames: Dict[int, str], deletions: FrozenSet[int]) -> List[cst.Arg]:
    """``args`` with the keywords of the arguments at ``renames``' indexes renamed and those at ``deletions`` gone.

    The last remaining argument takes the comma of the original last one (a
    trailing comma stays, none is left dangling).
    """
    kept: List[cst.Arg] = []
    for index, arg in enumerate(args):
        if index in deletions:
            continue
        if index in renames:
            assert arg.keyword is not None
            arg = arg.with_changes(keyword=arg.keyword.with_changes(value=renames[index]))
        kept.append(arg)
    if kept and args and deletions and (len(args) - 1) in deletions:
        kept[-1] = kept[-1].with_changes(comma=args[-1].comma)
    return kept


def is_literal(value: cst.BaseExpression, text: str) -> bool:
    """Whether ``value`` is exactly the literal ``text`` (``True``, ``"agent"``...)."""
    return code_of(value).strip() == text


def has_star_kwargs(call: cst.Call) -> bool:
    return any(arg.star == "**" for arg in call.args)


NodeOrMissing = Union[cst.CSTNode, None]


# -- keyword tables --------------------------------------------------------------------

#: Method names whose keywords the tables cover.
RUN_METHODS = ("run", "arun", "print_response", "aprint_response", "continue_run", "acontinue_run")


class KeywordEdits:
    """Renames and deletions planned for the calls of one rule, applied in ``leave_Call``."""

    def __init__(self) -> None:
        self.renames: Dict[cst.Call, Dict[int, str]] = {}
        self.deletions: Dict[cst.Call, Set[int]] = {}

    def rename(self, call: cst.Call, index: int, keyword: str) -> None:
        self.renames.setdefault(call, {})[index] = keyword

    def delete(self, call: cst.Call, index: int) -> None:
        self.deletions.setdefault(call, set()).add(index)

    def apply(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        renames = self.renames.get(original, {})
        deletions = frozenset(self.deletions.get(original, ()))
        if not renames and not deletions:
            return updated
        return updated.with_changes(args=edit_args(updated.args, renames, deletions))


def rename_keywords(rule: Agno3Rule, edits: KeywordEdits, call: cst.Call, callee: str, call_label: str,
                    rows: Dict[str, names.KeywordRename]) -> None:
    """Plan ``call``'s 1.x keywords -> agno 3 names (``rows``: old keyword -> row with ``.new``), reporting each.

    ``callee`` names the call in per-keyword messages (``Agent``, ``Agent.run``),
    ``call_label`` in the message about unpacked ``**dict`` keys.  A keyword whose
    new name the call already passes is left alone with a finding.
    """
    used = {keyword_of(arg) for arg in call.args}
    stale = sorted(unpacked_keys(rule, call) & set(rows))
    if stale:
        rule.report(call, f"{call_label}(**...) left alone: the unpacked dict holds agno 1.x keys; rename them by "
                    f"hand ({', '.join(f'{old!r} -> {rows[old].new!r}' for old in stale)})", fixed=False)
    for index, arg in enumerate(call.args):
        keyword = keyword_of(arg)
        row = rows.get(keyword or "")
        if row is None:
            continue
        assert row.new is not None
        if row.new in used:
            rule.report(arg, f"{callee}({keyword}=) left alone: the call also passes {row.new}=; agno 3 has only "
                        f"{row.new}=, keep one of them", fixed=False)
            continue
        edits.rename(call, index, row.new)
        rule.report(arg, f"{callee}({keyword}=) -> {row.new}=")


def method_owner(rule: Agno3Rule, call: cst.Call) -> Optional[Tuple[str, str]]:
    """(receiver owner or UNKNOWN/OTHER, method name) of ``x.run(...)``-like calls, else None."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in RUN_METHODS:
        return None
    return (rule.owner_of(func.value), func.attr.value)


def describe_call(call: cst.Call) -> str:
    func = code_of(call.func)
    return func if len(func) <= 40 else func[:37] + "..."


def unpacked_keys(rule: Agno3Rule, call: cst.Call) -> Set[str]:
    """The string keys visible in the call's ``**`` arguments: a dict literal, or a name assigned
    once from one (``dict(a=...)`` too).  Opaque ``**kwargs`` give nothing: agno 3 code unpacks
    dicts as well, so an unseen key is not reported."""
    keys: Set[str] = set()
    for arg in call.args:
        if arg.star != "**":
            continue
        value: Optional[cst.BaseExpression] = arg.value
        if isinstance(value, cst.Name):
            value = rule._single_assigned_value(value)
        if isinstance(value, cst.Dict):
            for element in value.elements:
                if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                    key = element.key.evaluated_value
                    if isinstance(key, str):
                        keys.add(key)
        elif isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "dict":
            keys.update(filter(None, (keyword_of(a) for a in value.args)))
    return keys
