"""The base class every rule derives from, and the finding it reports.

A rule is a LibCST :class:`~libcst.codemod.VisitorBasedCodemodCommand`, so it
runs unchanged under ``python -m libcst.tool codemod`` as well as under this
project's engine.  On top of LibCST it adds:

* ``code`` / ``name`` / ``summary``: a stable identifier (``AGM001``), a
  kebab-case name and a one-line description, shown by ``agno-migrate rules``;
* ``triggers``: strings of which at least one must occur in a file's text for
  the rule to possibly apply; ``prefilter`` names the rule's LibCST-free check
  in :mod:`codemods.prefilter` (:meth:`Rule.is_triggered_by`).  The engine
  never parses a file none of whose selected rules is triggered;
* ``requires`` / ``runs_after``: the rules this one needs and the rules it
  runs after (see :mod:`codemods.rules`);
* :meth:`Rule.report`: records a :class:`Finding` at a node's source position,
  either a rewrite the rule made (``fixed=True``) or a spot it found but left
  alone because it could not prove the rewrite safe (``fixed=False``).
"""

from __future__ import annotations

from abc import ABC
from contextlib import contextmanager
from dataclasses import replace
from typing import ClassVar, Dict, Iterator, List, Optional, Sequence, Tuple, Type, Union

import libcst as cst
from libcst.codemod import Codemod, CodemodContext, SkipFile, VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from codemods import linefit, prefilter
from codemods.finding import OPTIONS_KEY, SAFE, UNSAFE, Finding
from codemods.layout import keep_leading_lines, split_aliased_imports, tidy_added_imports
from codemods.patterns import names_outside_imports, top_level_imports

__all__ = ["ANALYSIS_KEY", "FINDINGS_KEY", "OPTIONS_KEY", "Analysis", "Finding", "Rule"]

FINDINGS_KEY = "agno_migrate.findings"
#: Where the engine puts the file's :class:`Analysis` in a rule's context scratch.
ANALYSIS_KEY = "agno_migrate.analysis"


class Analysis:
    """One file's metadata, shared by the rules the engine runs on it.

    LibCST's :class:`~libcst.codemod.Codemod` wraps the tree it is given in a
    new :class:`~libcst.metadata.MetadataWrapper` for every rule: a deep copy of
    the tree and every provider resolved again.  The engine instead hands each
    rule of a file the same ``Analysis``: one wrapper per *version* of the
    module, so a rule that changes nothing (it returns the very tree it was
    given, see :meth:`Rule.transform_module`) leaves the next rule the metadata
    already resolved.  The parsed module is wrapped without a copy (the parser
    never shares a node between two places); a rule's output is copied once,
    since a rewrite may put one node object in two places.
    """

    def __init__(self, parsed: Optional[cst.Module] = None) -> None:
        self._parsed = parsed
        #: id(module) -> (module, its wrapper); the module is held so the id stays unique.
        self._wrappers: Dict[int, Tuple[cst.Module, MetadataWrapper]] = {}

    def wrapper(self, module: cst.Module) -> MetadataWrapper:
        """The wrapper (and so the resolved metadata) of this version of the module."""
        entry = self._wrappers.get(id(module))
        if entry is None or entry[0] is not module:
            entry = (module, MetadataWrapper(module, unsafe_skip_copy=module is self._parsed))
            self._wrappers[id(module)] = entry
        return entry[1]

    def original_of(self, tree: cst.Module) -> Optional[cst.Module]:
        """The module whose wrapper holds ``tree`` (its copy, or itself), if any."""
        for module, wrapper in self._wrappers.values():
            if wrapper.module is tree:
                return module
        return None


class Rule(VisitorBasedCodemodCommand, ABC):
    """Base class of the toolkit's rules; see the module docstring.

    ``ABC`` as a direct base is how ``python -m libcst.tool list`` tells a base
    class from a runnable codemod: it lists every rule, not ``Rule`` itself.
    Each rule sets ``DESCRIPTION`` (libcst.tool's one-line help) in its class body.
    """

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    triggers: ClassVar[Sequence[str]] = ()
    # The three declarations the engine reads without importing the rule (one-line
    # literals in the class body; see codemods.rules.declarations):
    #: ``(a string every file the rule applies to contains, the name of its check in
    #: codemods.prefilter)``; None: any of ``triggers`` occurring is the prefilter.
    prefilter: ClassVar[Optional[Tuple[str, str]]] = None
    #: Rules whose rewrites this rule's output needs (added to a selection).
    requires: ClassVar[Tuple[str, ...]] = ()
    #: Rules whose output this rule must see: the run order follows from these.
    runs_after: ClassVar[Tuple[str, ...]] = ()
    #: Fixit-style examples, indented as in the class body: code the rule reports
    #: nothing in (``VALID``) and code it reports (``INVALID``); tests/test_registry.py runs them.
    VALID: ClassVar[Sequence[str]] = ()
    INVALID: ClassVar[Sequence[str]] = ()
    #: The oldest Python the rule's rewrites run on (``asyncio.TaskGroup``: 3.11).
    #: Below it the engine keeps the code and turns each fix into a ``[left alone]`` finding.
    min_target: ClassVar[Tuple[int, int]] = (3, 9)
    #: Reports what the other rules left (AGM009): the engine drops its findings
    #: on lines another rule already reported as left alone, and asks
    #: :meth:`leftover_findings` again for a file whose rewrites it takes back.
    reports_leftovers: ClassVar[bool] = False
    #: Ruff's fix safety: ``"safe"`` fixes keep behaviour and are always made;
    #: ``"unsafe"`` ones can change it and are made only with ``--unsafe-fixes``
    #: (else reported as held back); ``"mixed"``: safe where the rule can see
    #: enough, unsafe elsewhere (it holds those spots back with
    #: :meth:`hold_unsafe_fix`); ``"none"``: the rule only reports.
    fix_safety: ClassVar[str] = "safe"

    @classmethod
    def leftover_findings(cls, path: str, text: str) -> List[Finding]:
        """A ``reports_leftovers`` rule's findings on ``text``."""
        return []

    #: Positions are resolved when a rule first reports (see :meth:`_position`),
    #: not for every rule on every file: most runs over a file report nothing.
    METADATA_DEPENDENCIES = ()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # libcst.tool's one-line help: a rule that does not set DESCRIPTION in its
        # class body gets its code, name and summary (a base class without a code
        # keeps LibCST's default and must list ABC among its bases to stay unlisted).
        if cls.code and "DESCRIPTION" not in vars(cls):
            cls.DESCRIPTION = f"{cls.code} {cls.name}: {cls.summary}"

    def _instantiate_and_run(self, transform: Type[Codemod], tree: cst.Module) -> cst.Module:
        # LibCST's import helpers analyse the whole module's scopes each time they
        # run: skip them when a cheap syntactic look shows they would change nothing.
        if transform is RemoveImportsVisitor and not self._removals_to_check(tree):
            return tree
        if transform is AddImportsVisitor and not self._additions_to_make(tree):
            return tree
        result = super()._instantiate_and_run(transform, tree)
        if transform is RemoveImportsVisitor:
            result = keep_leading_lines(tree, result)
        elif transform is AddImportsVisitor:
            result = tidy_added_imports(tree, result)
        return result

    def _removals_to_check(self, tree: cst.Module) -> list:
        """The scheduled import removals whose name the module may no longer use.

        A name the module may still refer to (see
        :func:`~codemods.patterns.names_outside_imports`) keeps its import,
        as LibCST's scope analysis would decide (a shadowed import is kept
        where LibCST would drop it); the remaining requests are left to
        :class:`RemoveImportsVisitor`.
        """
        key = RemoveImportsVisitor.CONTEXT_KEY
        requests = self.context.scratch.get(key, [])
        used = names_outside_imports(tree)
        remaining = [
            (module, obj, asname) for module, obj, asname in requests
            if obj == "*" or (asname or obj or module.split(".")[0]) not in used
        ]
        self.context.scratch[key] = remaining
        return remaining

    def _additions_to_make(self, tree: cst.Module) -> list:
        """The scheduled imports the module does not have yet (at its top level, spelled the same)."""
        key = AddImportsVisitor.CONTEXT_KEY
        present = set(top_level_imports(tree))
        remaining = [
            item for item in self.context.scratch.get(key, [])
            if item.relative or (item.module_name, item.obj_name, item.alias) not in present
        ]
        self.context.scratch[key] = remaining
        return remaining

    def nothing_to_do(self, tree: cst.Module) -> bool:
        """A cheap, syntactic look that proves the rule would change and report
        nothing in ``tree``: then no metadata is resolved and no pass is made."""
        return False

    # -- one analysis per file -------------------------------------------------
    @property
    def analysis(self) -> Optional[Analysis]:
        """The engine's shared :class:`Analysis` of the file (None under libcst.tool)."""
        return self.context.scratch.get(ANALYSIS_KEY)

    @contextmanager
    def _handle_metadata_reference(self, module: cst.Module) -> Iterator[cst.Module]:
        analysis = self.analysis
        if analysis is None:  # libcst.tool: LibCST's own wrapper, as for any codemod
            with super()._handle_metadata_reference(module) as tree:
                yield tree
            return
        old = self.context.wrapper
        wrapper = analysis.wrapper(module)
        with self.resolve(wrapper):
            self.context = replace(self.context, wrapper=wrapper)
            try:
                yield wrapper.module
            finally:
                self.context = replace(self.context, wrapper=old)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        """Visit ``tree``; hand back ``tree`` itself when no ``leave_*`` replaced a node.

        LibCST rebuilds every node it visits, so its result is a new object
        even when nothing changed; returning the input lets the engine (and
        the next rule) see "unchanged" by identity, without generating code.
        """
        self._replaced = False
        new_tree = tree.visit(self)
        return new_tree if self._replaced else tree

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Union[
            cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel]:
        result = super().on_leave(original_node, updated_node)
        if result is not updated_node:
            self._replaced = True
        return result

    def transform_module(self, tree: cst.Module) -> cst.Module:
        """Run the rule; outside agno-migrate's engine (e.g. under ``libcst.tool``)
        also verify the result (:mod:`codemods.verify`) and skip the file when
        the rewrite would break it.  The engine verifies the whole rule chain
        itself, so a rule's intermediate output is not judged on its own there.

        Under the engine a rule that changes nothing returns ``tree`` itself
        (not the analysis' copy of it)."""
        if self.nothing_to_do(tree):
            return tree
        new_tree = super().transform_module(tree)
        analysis = self.analysis
        if analysis is not None and new_tree is not tree and analysis.original_of(new_tree) is tree:
            new_tree = tree
        if new_tree is not tree and self.code.startswith("AGM0"):
            # The lines the rewrite changed, laid out as ruff format would (files formatted at 88
            # columns).  Not for the agno 3 rules: they report keywords inside the calls they edit,
            # and a later rule's finding on a line a split added would be placed on the line before.
            new_tree = split_aliased_imports(tree, new_tree)
            code = new_tree.code
            fitted = linefit.fit(tree.code, code, self.options.get("original_source"))
            if fitted != code:
                new_tree = cst.parse_module(fitted)
        if OPTIONS_KEY in self.context.scratch or new_tree is tree:
            return new_tree
        from codemods import verify

        violations = verify.new_violations(tree.code, new_tree.code, self.context.filename or "<string>")
        if violations:
            message = f"{self.code} left the file unchanged: the rewrite would break it ({verify.describe(violations)})"
            self.warn(message)
            raise SkipFile(message)
        return new_tree

    @property
    def unsafe_fixes(self) -> bool:
        """Whether unsafe fixes may be made (``--unsafe-fixes``; never under libcst.tool)."""
        return bool(self.options.get("unsafe_fixes", False))

    def hold_unsafe_fix(self, node: cst.CSTNode, message: str) -> bool:
        """For a fix that can change behaviour: True (after reporting it as held
        back) when unsafe fixes are off, so the caller leaves the code as it is;
        False when they are on: the caller makes the fix and reports it with
        ``unsafe=True``."""
        if self.unsafe_fixes:
            return False
        self.report(node, message, fixed=False, unsafe=True)
        return True

    @property
    def options(self) -> dict:
        """User options for the rules (e.g. ``name_map``), empty under libcst.tool."""
        return self.context.scratch.get(OPTIONS_KEY, {})

    # -- reporting ---------------------------------------------------------------
    @classmethod
    def findings_of(cls, context: CodemodContext) -> List[Finding]:
        """The findings every rule run with ``context`` reported so far."""
        return context.scratch.setdefault(FINDINGS_KEY, [])

    def report(self, node: cst.CSTNode, message: str, *, fixed: bool = True, unsafe: bool = False) -> None:
        """Record a finding at ``node`` (a node of the tree the rule was given).

        ``unsafe``: the fix (made or held back) can change behaviour; every fix
        made by a rule whose ``fix_safety`` is ``"unsafe"`` is.  A spot left
        alone (``fixed=False`` without ``unsafe``) is a warning."""
        line, column = self._position(node)
        self._record(line, column, message, fixed, unsafe)

    def _record(self, line: int, column: int, message: str, fixed: bool, unsafe: bool) -> None:
        unsafe = unsafe or (fixed and self.fix_safety == UNSAFE)
        finding = Finding(path=self.context.filename or "<string>", line=line, column=column, code=self.code,
                          message=message, fixed=fixed, applicability=UNSAFE if unsafe else SAFE)
        self.findings_of(self.context).append(finding)
        if not fixed:
            # Also visible to ``python -m libcst.tool codemod`` users.
            self.warn(f"{finding.line}:{finding.column} {self.code} {finding.format().split(' ', 2)[2]}")

    def report_at(self, line: int, column: int, message: str, *, fixed: bool = True, unsafe: bool = False) -> None:
        """Record a finding at ``line``/``column`` (1-based) of the tree the rule was given."""
        self._record(line, column, message, fixed, unsafe)

    def _position(self, node: cst.CSTNode) -> tuple[int, int]:
        wrapper = self.context.wrapper
        try:
            if wrapper is None:
                position = self.get_metadata(PositionProvider, node)
            else:  # resolved on first use, once per module version (shared through the wrapper)
                position = wrapper.resolve(PositionProvider)[node]
        except KeyError:
            return (1, 1)
        assert isinstance(position, CodeRange)
        start = position.start
        return (start.line, start.column + 1)

    @classmethod
    def examples(cls, kind: str) -> List[str]:
        """The ``"VALID"`` or ``"INVALID"`` examples as source text (dedented)."""
        import textwrap

        return [textwrap.dedent(example) for example in getattr(cls, kind)]

    @classmethod
    def doc(cls) -> str:
        """The rule's documentation (its docstring, dedented)."""
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def is_triggered_by(cls, text: str) -> bool:
        """Whether the rule may change or report anything in ``text`` (the engine's prefilter)."""
        if cls.code in prefilter.RULE_CHECKS:
            return prefilter.may_apply(cls.code, text)
        return any(trigger in text for trigger in cls.triggers)

