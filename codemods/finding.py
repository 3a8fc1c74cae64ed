"""What a rule reports, shared by the engine, the rules and the reports.

Kept free of LibCST so that the engine and the command line can run (and find
that nothing needs migrating) without importing it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

#: ``CodemodContext.scratch`` key of the user's options for the rules.
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
