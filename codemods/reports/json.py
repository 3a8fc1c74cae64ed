"""JSON output (``--output-format json``): ``{"findings": [...], "errors": [...], "summary": {...}}``."""

from __future__ import annotations

import json
from typing import Any, Dict, Sequence

from codemods.engine import FileResult
from codemods.finding import Finding
from codemods.reports.statistics import counts
from codemods.reports.text import applied_fix


def render_json(results: Sequence[FileResult], applied: bool = False) -> str:
    """The findings (``applied``: of ``apply``, see :func:`_finding_json`), the file errors and the totals."""
    payload = {
        "findings": [_finding_json(finding, applied_fix(r, applied)) for r in results for finding in r.findings],
        "errors": [{"path": r.path, "message": r.error} for r in results if r.error],
        "summary": counts(results, applied),
    }
    return json.dumps(payload, indent=2) + "\n"


def _finding_json(finding: Finding, written: bool) -> Dict[str, Any]:
    """A finding for JSON output: ``fixable`` (the rule has a fix for it, made or held
    back as unsafe), ``applied`` (the fix is in a file on disk: ``apply`` wrote it)."""
    data = finding.as_dict()
    del data["fixed"]
    data["fixable"] = finding.fixed or finding.unsafe_not_applied
    data["applied"] = written and finding.fixed
    return data
