"""Numbers about a run: the totals, the one-line summary written to stderr, and
``--statistics`` (ruff's: one line, or JSON object, per rule with its counts)."""

from __future__ import annotations

import json
from typing import Any, Dict, Sequence

from codemods.engine import FileResult
from codemods.reports.text import all_findings


def counts(results: Sequence[FileResult], applied: bool = False) -> Dict[str, int]:
    """Totals; with ``applied``, fixes count only in files that were written."""
    findings = all_findings(results)
    return {
        "files": len(results),
        "changed": sum(1 for r in results if r.changed),
        "written": sum(1 for r in results if r.written),
        "fixes": sum(1 for r in results if not applied or r.written for f in r.findings if f.fixed),
        "warnings": sum(1 for f in findings if f.left_alone),
        "unsafe_not_applied": sum(1 for f in findings if f.unsafe_not_applied),
        "errors": sum(1 for r in results if r.error),
    }


def summary_line(results: Sequence[FileResult], verb: str) -> str:
    """E.g. ``12 file(s) checked, 2 would change, 5 fix(es), 1 warning(s), 0 error(s)``,
    then ``; 3 unsafe fix(es) not applied (--unsafe-fixes)`` when there are any."""
    c = counts(results, applied=verb == "rewritten")
    changed = c["written"] if verb == "rewritten" else c["changed"]
    line = (f"{c['files']} file(s) checked, {changed} {verb}, {c['fixes']} fix(es), "
            f"{c['warnings']} warning(s), {c['errors']} error(s)")
    if c["unsafe_not_applied"]:
        line += f"; {c['unsafe_not_applied']} unsafe fix(es) not applied (enable them with --unsafe-fixes)"
    return line


def render_statistics(results: Sequence[FileResult], output_format: str, *, applied: bool = False) -> str:
    """ruff's ``--statistics``: one line (or JSON object) per rule with its counts, most frequent first."""
    rows: Dict[str, Dict[str, Any]] = {}
    for finding in all_findings(results):
        row = rows.setdefault(finding.code, {"code": finding.code, "count": 0, "fixes": 0, "unsafe_not_applied": 0,
                                             "left_alone": 0})
        row["count"] += 1
        key = "fixes" if finding.fixed else "unsafe_not_applied" if finding.unsafe_not_applied else "left_alone"
        row[key] += 1
    ordered = sorted(rows.values(), key=lambda row: (-row["count"], row["code"]))
    if output_format == "json":
        return json.dumps(ordered, indent=2) + "\n"
    fix_word = "applied" if applied else "fixable"
    return "".join(
        f"{row['count']:>5}  {row['code']}  {row['fixes']} {fix_word}, {row['unsafe_not_applied']} unsafe not applied, "
        f"{row['left_alone']} left alone\n" for row in ordered)
