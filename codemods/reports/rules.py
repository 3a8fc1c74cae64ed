"""Rule documentation: the sections of a rule's docstring (for SARIF's rule metadata and the
review's rule table) and ``agno-migrate rules --format markdown`` (docs/rules.md)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, List, Sequence, Tuple, Type

if TYPE_CHECKING:
    from codemods.rule import Rule

_ATX = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_COLON_TITLE = re.compile(r"^([A-Z][A-Za-z ?'/-]{2,40}):\s*$")


def doc_sections(doc: str) -> List[Tuple[str, str]]:
    """Split a rule docstring into ``(title, body)`` sections.

    Recognises markdown ``## Title`` headings, setext headings (a line
    underlined with ``---``/``===``) and ``Title:`` lines.  Text before the
    first heading is returned under the title ``""``.
    """
    lines = doc.splitlines()
    sections: List[Tuple[str, List[str]]] = [("", [])]
    index = 0
    while index < len(lines):
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else ""
        atx = _ATX.match(line)
        colon = _COLON_TITLE.match(line)
        if atx:
            sections.append((atx.group(2).strip(), []))
        elif line.strip() and re.fullmatch(r"\s*(-{3,}|={3,})\s*", following):
            sections.append((line.strip(), []))
            index += 1
        elif colon:
            sections.append((colon.group(1).strip(), []))
        else:
            sections[-1][1].append(line)
        index += 1
    return [(title, "\n".join(body).strip()) for title, body in sections if title or "\n".join(body).strip()]


def doc_section(doc: str, *titles: str) -> str:
    """The body of the first section whose title starts with one of ``titles``."""
    for title, body in doc_sections(doc):
        if any(title.lower().rstrip("?:").startswith(wanted.lower()) for wanted in titles):
            return body
    return ""


def first_paragraph(text: str) -> str:
    """The first paragraph of ``text`` on one line."""
    return " ".join(text.strip().split("\n\n", 1)[0].split()) if text.strip() else ""


def _demote_headings(doc: str, levels: int) -> str:
    out: List[str] = []
    fence = False
    for line in doc.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if not fence and re.match(r"^#{1,6}\s", line):
            line = "#" * levels + line
        out.append(line)
    return "\n".join(out)


def _anchor(rule: Type[Rule]) -> str:
    return f"{rule.code}-{rule.name}".lower().replace("_", "-")


def md_cell(text: str) -> str:
    """``text`` on one line, safe in a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def rules_markdown(rules: Sequence[Type[Rule]]) -> str:
    """Rule documentation: an index table, then one section per rule."""
    out = ["# agno-migrate rules", ""]
    if not rules:
        return "\n".join(out + ["No rules are registered.", ""])
    out += [
        f"{len(rules)} rules, listed in the order they run. Select them with `--select`/`--ignore` "
        "(codes, prefixes such as `AGM00`, names or `ALL`) or in `[tool.agno-migrate]`.",
        "",
        "Fix safety: *safe* fixes keep behaviour and are always made; *unsafe* ones can change it and are "
        "made only with `--unsafe-fixes` (otherwise reported as not applied); *mixed*: unsafe only where "
        "the rule cannot see enough; *none*: the rule only reports.",
        "",
        "| Code | Name | Summary | Fix safety |",
        "| --- | --- | --- | --- |",
    ]
    for rule in rules:
        out.append(f"| [{rule.code}](#{_anchor(rule)}) | `{rule.name}` | {md_cell(rule.summary)} "
                   f"| {rule.fix_safety} |")
    out.append("")
    for rule in rules:
        doc = rule.doc().strip()
        # Rule docstrings use "## What it does"-style headings: nest them under the rule's heading.
        min_level = min((len(m.group(1)) for m in re.finditer(r"^(#{1,6})\s", doc, re.M)), default=3)
        body = _demote_headings(doc, max(0, 3 - min_level)) if doc else "_No documentation._"
        out += [f'<a id="{_anchor(rule)}"></a>', "", f"## {rule.code} `{rule.name}`", "",
                f"*{rule.summary}*", "", body, ""]
        triggers = ", ".join(f"`{t}`" for t in rule.triggers)
        if triggers:
            out += [f"Runs on files containing: {triggers}.", ""]
    return "\n".join(out)
