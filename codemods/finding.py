"""What a rule reports, shared by the engine, the rules and the reports.

Kept free of LibCST so that the engine and the command line can run (and find
that nothing needs migrating) without importing it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

#: ``CodemodContext.scratch`` key of the user's options for the rules.
OPTIONS_KEY = "agno_migrate.options"

SAFE, UNSAFE = "safe", "unsafe"
#: How text output marks an unsafe fix that was not applied.
UNSAFE_LABEL = "[unsafe fix, needs --unsafe-fixes] "


@dataclass(frozen=True)
class Finding:
    """One thing a rule found in a file.

    ``fixed`` is True when the rule rewrote the code, False when it left the
    code alone.  ``applicability`` is ruff's: a ``"safe"`` fix keeps what the
    code does; an ``"unsafe"`` one can change behaviour (failure handling,
    concurrency, what an unseen agent accepts) and is made only with
    ``--unsafe-fixes``.  A finding not fixed is then either a spot left alone
    (a warning a human must look at) or an unsafe fix not applied.
    """

    path: str
    line: int
    column: int
    code: str
    message: str
    fixed: bool = True
    applicability: str = "safe"

    @property
    def kind(self) -> str:
        if self.fixed:
            return "fix"
        return "unsafe-fix" if self.unsafe_not_applied else "warning"

    @property
    def unsafe_not_applied(self) -> bool:
        """An unsafe fix the rule held back (no ``--unsafe-fixes``)."""
        return not self.fixed and self.applicability == UNSAFE

    @property
    def left_alone(self) -> bool:
        """A spot the rules leave to a human (not a held-back unsafe fix)."""
        return not self.fixed and self.applicability != UNSAFE

    def as_dict(self) -> dict:
        data = asdict(self)
        data["kind"] = self.kind
        return data

    def format(self) -> str:
        """Render as ``path:line:col CODE message`` (ruff's text format)."""
        label = "" if self.fixed else UNSAFE_LABEL if self.unsafe_not_applied else "[left alone] "
        return f"{self.path}:{self.line}:{self.column} {self.code} {label}{self.message}"
