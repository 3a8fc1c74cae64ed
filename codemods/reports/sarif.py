"""SARIF 2.1.0 output (``--output-format sarif``), e.g. for GitHub code scanning.

One run, whose ``tool.driver.rules`` carry each selected rule's metadata taken
from its class attributes and docstring, and one result per finding.  Files
that could not be processed are reported as tool execution notifications (and
``executionSuccessful`` is false), as the SARIF specification asks.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Dict, Sequence, Type
from urllib.parse import quote

from codemods.engine import FileResult
from codemods.finding import Finding
from codemods.reports.rules import doc_section, first_paragraph
from codemods.reports.text import safe

if TYPE_CHECKING:
    from codemods.rule import Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "agno-migrate"
SRCROOT = "%SRCROOT%"


def tool_version() -> str:
    try:
        from importlib import metadata  # slow to import: only when a version is shown

        return metadata.version(TOOL_NAME)
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


# -- rule metadata -----------------------------------------------------------------


def rule_descriptor(rule: Type[Rule]) -> Dict[str, Any]:
    """The SARIF ``reportingDescriptor`` of ``rule``."""
    doc = rule.doc()
    full = first_paragraph(doc_section(doc, "What it does")) or first_paragraph(doc) or rule.summary
    why = first_paragraph(doc_section(doc, "Why is this bad", "Why"))
    descriptor: Dict[str, Any] = {
        "id": rule.code,
        "name": rule.name or rule.code,
        "shortDescription": {"text": rule.summary or rule.code},
        "fullDescription": {"text": full},
        "help": {"text": doc or rule.summary, "markdown": doc or rule.summary},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["agno-migrate", "migration"]},
    }
    if why:
        descriptor["properties"]["why"] = why
    return descriptor


# -- results -----------------------------------------------------------------------


def _artifact_location(path: str) -> Dict[str, Any]:
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    posix = PurePath(os.path.normpath(path)).as_posix()
    # os.fsencode: a name that is not UTF-8 is percent-encoded byte for byte.
    return {"uri": quote(os.fsencode(posix)), "uriBaseId": SRCROOT}


def finding_level(finding: Finding, applied: bool) -> str:
    """``error`` for code that would be rewritten (the check fails on it),
    ``note`` once ``apply`` rewrote it, ``warning`` for a spot left alone or an
    unsafe fix not applied."""
    if not finding.fixed:
        return "warning"
    return "note" if applied else "error"


def _result(finding: Finding, index: Dict[str, int], applied: bool) -> Dict[str, Any]:
    prefix = "" if finding.fixed else "[unsafe fix, needs --unsafe-fixes] " if finding.unsafe_not_applied \
        else "[left alone] "
    result: Dict[str, Any] = {
        "ruleId": finding.code,
        "level": finding_level(finding, applied),
        "message": {"text": safe(prefix + finding.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact_location(finding.path),
                    "region": {"startLine": max(finding.line, 1), "startColumn": max(finding.column, 1)},
                }
            }
        ],
        "properties": {"fixable": finding.fixed or finding.unsafe_not_applied, "applied": applied and finding.fixed,
                       "applicability": finding.applicability},
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    return result


def to_sarif(results: Sequence[FileResult], rules: Sequence[Type[Rule]], *, applied: bool = False,
             cwd: str | None = None) -> Dict[str, Any]:
    """The SARIF log (a JSON-serialisable dict) for one agno-migrate run."""
    base = Path(cwd or os.getcwd()).resolve()
    descriptors = [rule_descriptor(rule) for rule in rules]
    index = {rule.code: position for position, rule in enumerate(rules)}
    sarif_results = [_result(f, index, applied and r.written) for r in results for f in r.findings]
    notifications = [
        {
            "level": "error",
            "message": {"text": safe(f"{r.path}: {r.error}")},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact_location(r.path)}}],
        }
        for r in results
        if r.error
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": tool_version(),
                        "semanticVersion": tool_version(),
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": base.as_uri() + "/"}},
                "invocations": [
                    {"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}
                ],
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }


def render_sarif(results: Sequence[FileResult], rules: Sequence[Type[Rule]], applied: bool = False) -> str:
    return json.dumps(to_sarif(results, rules, applied=applied), indent=2) + "\n"
