"""Everything agno-migrate prints about a run, kept out of the CLI: one module per output.

* findings of ``check``/``apply`` (``--output-format``): :mod:`.text`, :mod:`.json`,
  :mod:`.github`, :mod:`.sarif`, chosen by :func:`render_findings`;
* :mod:`.statistics`: the totals, the summary line on stderr, ``--statistics``;
* :mod:`.diff`: the unified diff of ``diff``;
* :mod:`.rules`: rule documentation (``rules --format markdown``);
* :mod:`.review`: ``review``, every hunk labelled with the rules behind it, from the steps the
  engine recorded; rendered by :mod:`.html` and :mod:`.markdown`.
"""

from __future__ import annotations

from typing import Sequence

from codemods.engine import FileResult
from codemods.reports.diff import unified_diff
from codemods.reports.github import render_github
from codemods.reports.html import review_html
from codemods.reports.json import render_json
from codemods.reports.markdown import review_markdown
from codemods.reports.review import build_review
from codemods.reports.rules import rules_markdown
from codemods.reports.sarif import render_sarif
from codemods.reports.statistics import render_statistics, summary_line
from codemods.reports.text import error_line, render_text, safe
from codemods.rules import RuleRef, load_rules

OUTPUT_FORMATS = ("text", "json", "github", "sarif")

__all__ = ["OUTPUT_FORMATS", "build_review", "error_line", "render_findings", "render_statistics", "review_html",
           "review_markdown", "rules_markdown", "safe", "summary_line", "unified_diff"]


def render_findings(results: Sequence[FileResult], output_format: str, rules: Sequence[RuleRef],
                    *, applied: bool = False) -> str:
    """What ``check``/``apply`` print on stdout ('' when there is nothing).

    For ``text`` the file errors are *not* included (the CLI writes them to
    stderr); the machine formats carry them.
    """
    if output_format == "json":
        return render_json(results, applied)
    if output_format == "sarif":
        return render_sarif(results, load_rules(rules), applied)
    if output_format == "github":
        return render_github(results, applied)
    if output_format == "text":
        return render_text(results)
    raise ValueError(f"unknown output format {output_format!r}")
