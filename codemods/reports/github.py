"""GitHub Actions workflow commands (``--output-format github``): ``::error`` for code that
would be rewritten, ``::warning`` for spots left alone, ``::notice`` for what ``apply`` fixed,
and one ``::error`` per file that failed."""

from __future__ import annotations

from typing import Sequence

from codemods.engine import FileResult
from codemods.finding import Finding
from codemods.reports.sarif import finding_level
from codemods.reports.text import applied_fix, safe


def _gh_data(text: str) -> str:
    return safe(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(finding: Finding, applied: bool = False) -> str:
    """A GitHub Actions workflow command that annotates the finding's line."""
    level = {"error": "error", "warning": "warning", "note": "notice"}[finding_level(finding, applied)]
    title = (f"{finding.code} ({'fixed' if applied else 'fixable'})" if finding.fixed
             else f"{finding.code} (unsafe fix, needs --unsafe-fixes)" if finding.unsafe_not_applied
             else f"{finding.code} (left alone)")
    return (f"::{level} file={_gh_property(finding.path)},line={finding.line},col={finding.column},"
            f"title={_gh_property(title)}::{_gh_data(finding.message)}")


def render_github(results: Sequence[FileResult], applied: bool = False) -> str:
    lines = [github_line(f, applied_fix(r, applied)) for r in results for f in r.findings]
    lines += [f"::error file={_gh_property(r.path)},title=agno-migrate::{_gh_data(r.error or '')}"
              for r in results if r.error]
    return "".join(line + "\n" for line in lines)
