"""The review as GitHub-flavoured Markdown, for a pull-request comment:
``agno-migrate review -o comment.md`` (or ``--output-format markdown``)."""

from __future__ import annotations

import html
import re
from typing import List

from codemods.finding import UNSAFE
from codemods.reports.review import Hunk, Review
from codemods.reports.rules import md_cell
from codemods.reports.text import safe


def _md_code(text: str) -> str:
    """``text`` as a Markdown code span (nothing in it is markup or HTML), whatever backticks it holds."""
    text = safe(text)
    longest = max((len(m.group(0)) for m in re.finditer(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")


def _md_text(text: str) -> str:
    """``text`` (a message that may quote file names) as plain Markdown text: no markup, no HTML, one line."""
    flat = " ".join(safe(text).split())
    return _MD_SPECIAL.sub(r"\\\1", flat.replace("&", "&amp;"))


def _fence(text: str) -> str:
    longest = max((len(m.group(0)) for m in re.finditer(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _hunk_markdown(review: Review, hunk: Hunk) -> str:
    if hunk.labels:
        labels = []
        for code in hunk.labels:
            stats = review.stat(code)
            summary = stats.summary if stats else ""
            elsewhere = "" if code in hunk.codes else " _(finding reported elsewhere)_"
            labels.append(f"**{code}**" + (f" — {md_cell(summary)}" if summary else "") + elsewhere)
        head = ("**unsafe fix** (can change behaviour): " if hunk.unsafe else "") + "; ".join(labels)
        notes = "".join(f"\n  - line {f.line}: {f.code} {'(unsafe) ' if f.applicability == UNSAFE else ''}"
                        f"{_md_text(f.message)}" for f in hunk.findings)
    else:
        head, notes = "_no rule reported a finding or a rewrite here_", ""
    body_lines = [hunk.header] + [line.kind + line.text for line in hunk.lines]
    body = "\n".join(body_lines)
    fence = _fence(body)
    return f"- `{hunk.header}` {head}{notes}\n\n{fence}diff\n{body}\n{fence}\n"


def review_markdown(review: Review, max_chars: int = 0, title: str = "agno-migrate review") -> str:
    """GitHub-flavoured Markdown for a pull-request comment.

    With ``max_chars`` > 0 (GitHub comments hold 65536 characters), the diffs
    of the files that do not fit are left out, with a note saying so; the
    totals, the rule table and the warnings are always complete.
    """
    t = review.totals
    changed = review.changed
    out: List[str] = [
        f"## {title}",
        "",
        f"**{t['changed']}** file(s) would change ({t['hunks']} hunks, "
        f"+{sum(f.added for f in changed)} −{sum(f.removed for f in changed)} lines) · "
        f"**{t['fixes']}** fix(es) · **{t['warnings']}** left alone · **{t['errors']}** error(s) · "
        f"{t['files']} file(s) checked",
        "",
        "| Rule | Name | Why | Fixes | Left alone | Files |",
        "| --- | --- | --- | ---: | ---: | ---: |",
    ]
    for s in review.stats:
        out.append(f"| `{s.code}` | `{s.name}` | {md_cell(s.summary)} | {s.fixes} | {s.warnings} | {s.files} |")
    out.append("")
    if review.warnings:
        out += [f"### Left alone — needs a human ({len(review.warnings)})", ""]
        for file in review.files:
            for w in file.warnings:
                out.append(f"- {_md_code(f'{w.path}:{w.line}:{w.column}')} **{w.code}** {_md_text(w.message)}")
        out.append("")
    if review.errors:
        out += [f"### Errors ({len(review.errors)})", ""]
        out += [f"- {_md_code(f.path)}: {_md_text(f.error or '')}" for f in review.errors]
        out.append("")
    if not review.files:
        out += ["Nothing to migrate.", ""]
        return "\n".join(out)
    out += ["### Changes", ""]
    head = "\n".join(out)
    sections: List[str] = []
    omitted: List[str] = []
    used = len(head)
    reserve = 300  # room for the "omitted" note
    for file in review.files:
        summary = (f"<details open><summary><code>{html.escape(safe(file.path))}</code> "
                   f"+{file.added} −{file.removed} {' '.join(file.codes)}</summary>\n\n")
        parts = [summary]
        if file.error:
            parts.append(f"> **Not migrated:** {_md_text(file.error)}\n\n")
        if file.unplaced:
            parts.append("Other fixes in this file:\n\n")
        for f in file.unplaced:
            parts.append(f"- line {f.line}: **{f.code}** {_md_text(f.message)}\n")
        if file.unplaced:
            parts.append("\n")
        parts += [_hunk_markdown(review, hunk) + "\n" for hunk in file.hunks]
        parts.append("</details>\n")
        section = "".join(parts)
        if max_chars and used + len(section) + reserve > max_chars:
            omitted.append(file.path)
            continue
        sections.append(section)
        used += len(section)
    text = head + "\n" + "\n".join(sections)
    if omitted:
        text += (f"\n> {len(omitted)} file diff(s) left out to fit the comment size limit "
                 f"({', '.join(_md_code(p) for p in omitted[:20])}{' …' if len(omitted) > 20 else ''}); "
                 "run `agno-migrate review -o report.html` to see everything.\n")
    return text
