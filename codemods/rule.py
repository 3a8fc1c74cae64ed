"""The base class every rule derives from, and the finding it reports.

A rule is a LibCST :class:`~libcst.codemod.VisitorBasedCodemodCommand`, so it
runs unchanged under ``python -m libcst.tool codemod`` as well as under this
project's engine.  On top of LibCST it adds:

* ``code`` / ``name`` / ``summary``: a stable identifier (``AGM001``), a
  kebab-case name and a one-line description, shown by ``agno-migrate rules``;
* ``triggers``: strings of which at least one must occur in a file's text for
  the rule to possibly apply.  The engine never parses a file none of whose
  selected rules is triggered;
* :meth:`Rule.report`: records a :class:`Finding` at a node's source position,
  either a rewrite the rule made (``fixed=True``) or a spot it found but left
  alone because it could not prove the rewrite safe (``fixed=False``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar, List, Sequence, Type

import libcst as cst
from libcst.codemod import Codemod, CodemodContext, VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import CodeRange, PositionProvider

from codemods.layout import keep_leading_lines, tidy_added_imports

FINDINGS_KEY = "agno_migrate.findings"
OPTIONS_KEY = "agno_migrate.options"


@dataclass(frozen=True)
class Finding:
    """One thing a rule found in a file.

    ``fixed`` is True when the rule rewrote the code, False when it left the
    code alone and this finding is a warning a human must look at.
    """

    path: str
    line: int
    column: int
    code: str
    message: str
    fixed: bool = True

    @property
    def kind(self) -> str:
        return "fix" if self.fixed else "warning"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["kind"] = self.kind
        return data

    def format(self) -> str:
        """Render as ``path:line:col CODE message`` (ruff's text format)."""
        label = "" if self.fixed else "[left alone] "
        return f"{self.path}:{self.line}:{self.column} {self.code} {label}{self.message}"


class Rule(VisitorBasedCodemodCommand):
    """Base class of the toolkit's rules; see the module docstring."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    triggers: ClassVar[Sequence[str]] = ()

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        # libcst.tool reads DESCRIPTION for its help text.
        type(self).DESCRIPTION = f"{self.code} {self.name}: {self.summary}"

    def _instantiate_and_run(self, transform: Type[Codemod], tree: cst.Module) -> cst.Module:
        result = super()._instantiate_and_run(transform, tree)
        if transform is RemoveImportsVisitor:
            result = keep_leading_lines(tree, result)
        elif transform is AddImportsVisitor:
            result = tidy_added_imports(tree, result)
        return result

    @property
    def options(self) -> dict:
        """User options for the rules (e.g. ``name_map``), empty under libcst.tool."""
        return self.context.scratch.get(OPTIONS_KEY, {})

    # -- reporting ---------------------------------------------------------------
    @classmethod
    def findings_of(cls, context: CodemodContext) -> List[Finding]:
        """The findings every rule run with ``context`` reported so far."""
        return context.scratch.setdefault(FINDINGS_KEY, [])

    def report(self, node: cst.CSTNode, message: str, *, fixed: bool = True) -> None:
        """Record a finding at ``node`` (a node of the tree the rule was given)."""
        line, column = self._position(node)
        finding = Finding(
            path=self.context.filename or "<string>",
            line=line,
            column=column,
            code=self.code,
            message=message,
            fixed=fixed,
        )
        self.findings_of(self.context).append(finding)
        if not fixed:
            # Also visible to ``python -m libcst.tool codemod`` users.
            self.warn(f"{finding.line}:{finding.column} {self.code} {message}")

    def _position(self, node: cst.CSTNode) -> tuple[int, int]:
        try:
            position = self.get_metadata(PositionProvider, node)
        except KeyError:
            return (1, 1)
        assert isinstance(position, CodeRange)
        start = position.start
        return (start.line, start.column + 1)

    @classmethod
    def doc(cls) -> str:
        """The rule's documentation (its docstring, dedented)."""
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def is_triggered_by(cls, text: str) -> bool:
        return any(trigger in text for trigger in cls.triggers)

