"""AGM310 agno3-imports: agno 1.x run, event and storage names -> their agno 3 names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Set, Tuple, Union

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import Access, ImportAssignment, ScopeProvider

from codemods import agno3_names as names
from codemods.rules.agm31_agno3_support import Agno3Rule, keyword_of


_MIGRATE_DATA = ("back the database up, then migrate it on agno 3 with "
                 "agno.db.migrations.v1_to_v2.migrate(db, v1_db_schema=..., agent_sessions_table_name=<the 1.x "
                 "table_name>, ...) and `await MigrationManager(db).up()` (agno.db.migrations.manager); see "
                 "'What needs a human' in docs/agno3.md")


@dataclass
class _AliasPlan:
    index: int
    row: names.NameRename
    #: The local name after the rewrite (None: the new name itself).
    asname: Optional[str]


@dataclass
class _ImportPlan:
    module: str
    aliases: List[_AliasPlan] = field(default_factory=list)


class Agno3Imports(Agno3Rule):
    """Rename agno 1.x imports of run, event and storage classes to agno 3.

    ## What it does
    Rewrites ``from <agno 1.x module> import <name>`` for every row of the
    import table in ``codemods/agno3_names.py`` (see docs/agno3.md):
    ``RunResponse`` -> ``RunOutput`` from ``agno.run.agent``, the
    ``RunResponse*Event`` classes -> ``Run*Event`` (the team's own events stay
    in ``agno.run.team``), ``TeamRunResponse`` -> ``TeamRunOutput``,
    ``WorkflowRunResponse*`` -> ``WorkflowRunOutputEvent``/``WorkflowStartedEvent``,
    the 1.x workflow ``RunEvent`` -> ``WorkflowRunEvent``, and the storage
    classes ``agno.storage.*`` -> ``agno.db.*`` (``SqliteStorage`` ->
    ``SqliteDb``...).  Every use of an unaliased name is renamed too; a
    statement whose names now live in different modules is split.

    ## Why is this bad
    agno 3 removed ``agno.run.response`` and ``agno.storage`` and renamed the
    classes: the 1.x imports fail with ``ImportError`` on agno 3.1.10.

    ## Example
    ```python
    from agno.run.response import RunResponse, RunResponseContentEvent
    from agno.storage.sqlite import SqliteStorage
    ```
    becomes
    ```python
    from agno.run.agent import RunOutput, RunContentEvent
    from agno.db.sqlite import SqliteDb
    ```

    ## Fix safety
    Only names the table lists, imported from the module the table names,
    are changed; each row is checked against agno 1.8.4 and 3.1.10 by
    tests/test_agno3_names.py.  Where renaming the uses is not provably safe
    (the name is bound more than once, used in a string annotation or
    ``__all__``, re-exported from an ``__init__.py``, or the new name is
    already taken) the new class is imported under the old name
    (``from agno.run.agent import RunOutput as RunResponse``), which keeps
    every use working.  The storage constructors' arguments are renamed by
    AGM312 and AGM320; the data in a 1.x database is not migrated (reported).

    ## Left alone
    * a call of a renamed class with positional arguments (the field order
      changed: ``RunOutput("x")`` would set ``run_id``) or with a field the
      new class lacks (``RunResponse(extra_data=...)``,
      ``RunResponseContentEvent(thinking=...)``): the whole import is left
      alone and reported, with the fields to change;
    * names agno 3 dropped (``RunResponseExtraData``, ``AudioResponse``),
      storage classes without a verified agno 3 class (Redis, Mongo,
      DynamoDB...), star imports and ``import agno.run.response``:
      reported with the manual step;
    * an import statement that would have to be split but shares its line
      with other statements (``from ... import a; x = 1``).
    """

    code = "AGM310"
    requires = ("AGM312", "AGM320")  # SqliteStorage -> SqliteDb needs table_name= -> session_table= and mode= gone
    name = "agno3-imports"
    summary = "agno 1.x imports of run, event and storage classes -> agno 3 names and modules"

    def __init__(self, context) -> None:
        super().__init__(context)
        self._plans: Dict[cst.ImportFrom, _ImportPlan] = {}
        self._renamed_names: Dict[cst.Name, str] = {}
        self._new_names_per_scope: Dict[Tuple[int, str], int] = {}
        self._strings: Optional[Set[str]] = None

    # -- analysis -------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            module = get_full_name_for_node(alias.name) or ""
            if module == "agno.run.response" or module.startswith(names.OLD_STORAGE_MODULE + ".") \
                    or module == names.OLD_STORAGE_MODULE:
                self.report(node, f"import {module} left alone: agno 3 has no {module}; import the agno 3 names (see "
                            "docs/agno3.md) with from-imports and change each use by hand", fixed=False)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        module = get_full_name_for_node(node.module) or ""
        if isinstance(node.names, cst.ImportStar):
            if any(row.old_module == module for row in names.IMPORT_RENAMES) or module.startswith("agno.storage"):
                self.report(node, f"from {module} import * left alone: agno 3 renamed names of {module}; "
                            "import the names you use explicitly, then run agno-migrate again", fixed=False)
            return
        plan = _ImportPlan(module)
        findings: List[Tuple[cst.CSTNode, str, bool]] = []
        renames: List[Tuple[str, str]] = []
        for index, alias in enumerate(node.names):
            name = get_full_name_for_node(alias.name) or ""
            local = alias.evaluated_alias or name
            removed = names.removed_name(module, name)
            if removed is not None:
                self.report(alias, f"{name} (from {module}) left alone: {removed.manual}", fixed=False)
                continue
            row = names.import_rename(module, name)
            if row is None:
                if module.startswith(names.OLD_STORAGE_MODULE + "."):
                    self.report(alias, f"{name} (from {module}) left alone: no agno 3 class is verified for it; "
                                "use the matching class of agno.db.* (e.g. agno.db.redis.RedisDb), rename its "
                                f"arguments by hand; {_MIGRATE_DATA}", fixed=False)
                continue
            problem = self._call_problem(node, local, row)
            if problem:
                self.report(alias, f"{name} -> {row.new_name} left alone: {problem}", fixed=False)
                continue
            if alias.asname is not None:
                asname = None if local == row.new_name else local
                plan.aliases.append(_AliasPlan(index, row, asname))
                findings.append((alias, self._message(module, name, row, asname), True))
            elif row.new_name == name:
                plan.aliases.append(_AliasPlan(index, row, None))
                findings.append((alias, self._message(module, name, row, None), True))
            else:
                reason = self._rename_blocker(node, name, row.new_name)
                if reason:
                    plan.aliases.append(_AliasPlan(index, row, name))
                    findings.append((alias, self._message(module, name, row, name) + f" (kept the old name: {reason})",
                                     True))
                else:
                    renames.append((name, row.new_name))
                    plan.aliases.append(_AliasPlan(index, row, None))
                    findings.append((alias, self._message(module, name, row, None), True))
            if row.old_module.startswith(names.OLD_STORAGE_MODULE + "."):
                findings.append((alias, f"stored data left alone: {row.new_name} cannot read the sessions {name} "
                                 f"wrote; {_MIGRATE_DATA}", False))
        if not plan.aliases:
            return
        self._plans[node] = plan
        line = self.parent(node)
        if len(self._groups(node)) > 1 and not (isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1):
            del self._plans[node]
            self.report(node, "import left alone: it must be split into one statement per agno 3 module, but it "
                        "shares its line with other statements: put it on its own line and run agno-migrate again",
                        fixed=False)
            return
        for old, new in renames:
            self._rename_uses(node, old, new)
        for finding_node, message, fixed in findings:
            self.report(finding_node, message, fixed=fixed)

    @staticmethod
    def _message(module: str, name: str, row: names.NameRename, asname: Optional[str]) -> str:
        target = f"{row.new_module}.{row.new_name}" + (f" as {asname}" if asname else "")
        return f"{module}.{name} -> {target}"

    def _call_problem(self, node: cst.ImportFrom, local: str, row: names.NameRename) -> Optional[str]:
        """Why calls of the imported class cannot simply call the new class (None if they can)."""
        assignment = self._assignment(node, local)
        if assignment is None:
            return None
        removed = names.REMOVED_FIELDS.get(f"{row.old_module}.{row.old_name}", ())
        for access in self._in_source_order(assignment.references):
            call = self.parent(access.node)
            if not isinstance(call, cst.Call) or call.func is not access.node:
                continue
            line = self._position(call)[0]
            for arg in call.args:
                if arg.star:
                    return (f"the call on line {line} unpacks {arg.star}arguments, which may hold fields "
                            f"{row.new_name} lacks; write them out, then run agno-migrate again")
                keyword = keyword_of(arg)
                if keyword is None:
                    return (f"the call on line {line} passes positional arguments and {row.new_name}'s field "
                            "order differs; pass them by keyword, then run agno-migrate again")
                if keyword in removed:
                    return f"the call on line {line} passes {keyword}=: {names.FIELD_NOTES[keyword]}"
        return None

    def _assignment(self, node: cst.ImportFrom, local: str) -> Optional[ImportAssignment]:
        scope = self.get_metadata(ScopeProvider, node, None)
        if scope is None:
            return None
        for assignment in scope.assignments[local]:
            if isinstance(assignment, ImportAssignment) and assignment.node is node:
                return assignment
        return None

    def _rename_blocker(self, node: cst.ImportFrom, old: str, new: str) -> Optional[str]:
        """Why the uses of ``old`` cannot all become ``new`` (None if they can)."""
        scope = self.get_metadata(ScopeProvider, node, None)
        if scope is None:
            return "its scope is unknown"
        if len(scope.assignments[old]) != 1:
            return f"{old} is bound more than once here"
        if scope[new] or (id(scope), new) in self._new_names_per_scope:
            return f"{new} is already a name here"
        assignment = self._assignment(node, old)
        if assignment is None:
            return "its uses are unknown"
        for access in self._in_source_order(assignment.references):
            if not isinstance(access.node, cst.Name):
                return "it is used in a string annotation"
            if access.scope[new]:
                return f"{new} is already a name where it is used"
        if old in self._string_values():
            return f"a string in the module names {old} (e.g. __all__)"
        filename = self.context.filename or ""
        assert self._module_node is not None
        if filename.endswith("__init__.py") and scope is self.get_metadata(ScopeProvider, self._module_node, None):
            return "a package's __init__ may re-export it"
        return None

    def _in_source_order(self, accesses: Iterable[Access]) -> List[Access]:
        """A name's uses in the order they appear (a set's order differs from run to run, and the
        first problem found is the one reported)."""
        return sorted(accesses, key=lambda access: self._position(access.node))

    def _rename_uses(self, node: cst.ImportFrom, old: str, new: str) -> None:
        scope = self.get_metadata(ScopeProvider, node)
        self._new_names_per_scope[(id(scope), new)] = 1
        assignment = self._assignment(node, old)
        assert assignment is not None
        for access in assignment.references:
            assert isinstance(access.node, cst.Name)
            self._renamed_names[access.node] = new

    def _string_values(self) -> Set[str]:
        if self._strings is None:
            found: Set[str] = set()

            class _Strings(cst.CSTVisitor):
                def visit_SimpleString(self, node: cst.SimpleString) -> None:
                    value = node.evaluated_value
                    if isinstance(value, str):
                        found.add(value)

            assert self._module_node is not None
            self._module_node.visit(_Strings())
            self._strings = found
        return self._strings

    # -- rewriting -----------------------------------------------------------------
    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self._renamed_names.get(original_node)
        return updated_node.with_changes(value=new) if new else updated_node

    def _groups(self, original: cst.ImportFrom) -> Dict[str, List[cst.ImportAlias]]:
        """New module -> the aliases it imports, in order (the statement's own module first)."""
        plan = self._plans[original]
        assert not isinstance(original.names, cst.ImportStar)
        by_index = {alias_plan.index: alias_plan for alias_plan in plan.aliases}
        groups: Dict[str, List[cst.ImportAlias]] = {plan.module: []}
        for index, alias in enumerate(original.names):
            alias_plan = by_index.get(index)
            if alias_plan is None:
                groups[plan.module].append(alias)
                continue
            asname = cst.AsName(name=cst.Name(alias_plan.asname)) if alias_plan.asname else None
            new_alias = alias.with_changes(name=cst.Name(alias_plan.row.new_name), asname=asname)
            groups.setdefault(alias_plan.row.new_module, []).append(new_alias)
        if not groups[plan.module]:
            del groups[plan.module]
        return groups

    def leave_ImportFrom(self, original_node: cst.ImportFrom,
                         updated_node: cst.ImportFrom) -> Union[cst.ImportFrom, cst.RemovalSentinel]:
        if original_node not in self._plans:
            return updated_node
        groups = self._groups(original_node)
        if len(groups) != 1:
            return updated_node  # split by leave_SimpleStatementLine
        (module, aliases), = groups.items()
        return updated_node.with_changes(module=_dotted(module),
                                         names=_with_commas(aliases, original_node))

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine):
        if len(original_node.body) != 1 or original_node.body[0] not in self._plans:
            return updated_node
        original = original_node.body[0]
        assert isinstance(original, cst.ImportFrom)
        groups = self._groups(original)
        if len(groups) == 1:
            return updated_node
        lines = []
        for number, (module, aliases) in enumerate(groups.items()):
            if module == self._plans[original].module:
                statement = original.with_changes(names=_with_commas(aliases, original))
            else:
                statement = cst.ImportFrom(module=_dotted(module), names=_with_commas(aliases, None))
            line = updated_node.with_changes(body=[statement])
            if number > 0:
                line = line.with_changes(leading_lines=())
            lines.append(line)
        return cst.FlattenSentinel(lines)


def _dotted(module: str) -> Union[cst.Attribute, cst.Name]:
    expression = cst.parse_expression(module)
    assert isinstance(expression, (cst.Attribute, cst.Name))
    return expression


def _with_commas(aliases: List[cst.ImportAlias], original: Optional[cst.ImportFrom]) -> List[cst.ImportAlias]:
    """``aliases`` with a comma after each but the last (the last keeps the original's trailing comma, if any)."""
    trailing: Union[cst.Comma, cst.MaybeSentinel] = cst.MaybeSentinel.DEFAULT
    if original is not None and not isinstance(original.names, cst.ImportStar) and original.lpar is not None:
        trailing = original.names[-1].comma
    out = []
    for position, alias in enumerate(aliases):
        if position < len(aliases) - 1:
            comma = alias.comma if isinstance(alias.comma, cst.Comma) and original is not None else cst.Comma(
                whitespace_after=cst.SimpleWhitespace(" "))
            out.append(alias.with_changes(comma=comma))
        else:
            out.append(alias.with_changes(comma=trailing if original is not None else cst.MaybeSentinel.DEFAULT))
    return out
