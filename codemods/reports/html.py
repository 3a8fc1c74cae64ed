"""The review as one self-contained HTML page (inline CSS, no scripts, no external assets):
``agno-migrate review -o report.html``."""

from __future__ import annotations

import html
import re
from typing import List, Optional, Sequence, Tuple

from codemods.finding import UNSAFE
from codemods.reports.review import FileReview, Hunk, Review, RuleStats
from codemods.reports.sarif import tool_version
from codemods.reports.text import safe


_PALETTE = ("#0969da", "#8250df", "#bf3989", "#1a7f37", "#9a6700", "#cf222e", "#1b7c83", "#6639ba",
            "#953800", "#0550ae")


def _code_color(code: str) -> str:
    digits = "".join(ch for ch in code if ch.isdigit())
    index = int(digits) if digits else sum(map(ord, code))
    return _PALETTE[index % len(_PALETTE)]


_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f8fa; color: #1f2328;
  font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 20px 60px; }
header.top { background: #24292f; color: #fff; padding: 20px 0; }
header.top .inner { max-width: 1240px; margin: 0 auto; padding: 0 20px; }
header.top h1 { margin: 0 0 4px; font-size: 22px; }
header.top p { margin: 0; color: #d0d7de; }
code, pre, .code { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.totals { display: flex; flex-wrap: wrap; gap: 12px; margin: 20px 0; }
.card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 16px; min-width: 130px; }
.card b { display: block; font-size: 24px; line-height: 1.2; }
.card span { color: #59636e; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card.add b { color: #1a7f37; } .card.del b { color: #cf222e; } .card.warn b { color: #9a6700; }
.card.err b { color: #cf222e; }
h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 6px; border-bottom: 1px solid #d0d7de; }
table.grid { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #d0d7de; }
table.grid th, table.grid td { border-bottom: 1px solid #d8dee4; padding: 6px 10px; text-align: left;
  vertical-align: top; }
table.grid th { background: #f6f8fa; font-weight: 600; }
table.grid td.num, table.grid th.num { text-align: right; font-variant-numeric: tabular-nums; width: 70px; }
table.grid tr.idle td { color: #8c959f; }
.badge { display: inline-block; color: #fff; border-radius: 12px; padding: 0 8px; font-size: 12px;
  font-weight: 600; font-family: ui-monospace, "DejaVu Sans Mono", monospace; white-space: nowrap; }
.badge.none { background: #8c959f; }
.badge.unsafe { background: #cf222e; margin-left: 8px; }
.muted { color: #59636e; }
ul.toc { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 10px 10px 30px; }
ul.toc li { margin: 2px 0; }
.stat-add { color: #1a7f37; font-weight: 600; } .stat-del { color: #cf222e; font-weight: 600; }
details.file { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; margin: 16px 0;
  overflow: hidden; }
details.file > summary { cursor: pointer; padding: 10px 14px; background: #f6f8fa;
  border-bottom: 1px solid #d0d7de; font-weight: 600; }
details.file > summary code { font-size: 14px; }
.hunk { border-top: 1px solid #d0d7de; }
.hunk:first-of-type { border-top: 0; }
.label { padding: 8px 14px; background: #ddf4ff; border-bottom: 1px solid #b6e3ff; }
.label.unlabelled { background: #f6f8fa; border-bottom-color: #d0d7de; }
.label .why { margin-left: 6px; }
.label .rl { margin: 1px 0; }
.label code, table.grid code, .note code { background: rgba(175, 184, 193, .25); border-radius: 4px; padding: 0 3px;
  font-size: 90%; }
table.grid td:nth-child(2) code { white-space: nowrap; background: none; padding: 0; }
.label .hdr { float: right; color: #59636e; font-family: ui-monospace, "DejaVu Sans Mono", monospace;
  font-size: 12px; }
.label ul { margin: 4px 0 0; padding-left: 20px; font-size: 13px; color: #424a53; }
table.diff { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 12.5px; line-height: 20px;
  font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
table.diff col.n { width: 52px; } table.diff col.s { width: 22px; } table.diff col.r { width: 78px; }
table.diff td.r small { color: #6e7781; font-weight: 400; margin-left: 2px; }
table.diff td.r { font-size: 10.5px; font-weight: 600; text-align: right; padding: 0 4px; user-select: none; }
table.diff td { padding: 0 8px; vertical-align: top; }
table.diff td.n { color: #6e7781; text-align: right; user-select: none; background: #f6f8fa; }
table.diff td.s { text-align: center; user-select: none; color: #6e7781; }
table.diff td.c { white-space: pre-wrap; word-break: break-all; tab-size: 4; }
tr.add td { background: #e6ffec; } tr.add td.n { background: #ccffd8; }
tr.del td { background: #ffebe9; } tr.del td.n { background: #ffd7d5; }
tr.add td.s { color: #1a7f37; } tr.del td.s { color: #cf222e; }
tr.add ins { background: #abf2bc; text-decoration: none; border-radius: 2px; }
tr.del del { background: #ff8182; text-decoration: none; border-radius: 2px; }
.note { margin: 10px 14px; padding: 8px 12px; border-radius: 6px; background: #fff8c5;
  border: 1px solid #eac54f; }
.note.err { background: #ffebe9; border-color: #ff8182; }
.note ul { margin: 4px 0 0; padding-left: 20px; }
pre.src { margin: 2px 0 0; padding: 2px 6px; background: #f6f8fa; border-radius: 4px; font-size: 12px;
  white-space: pre-wrap; }
.empty { background: #fff; border: 1px dashed #d0d7de; border-radius: 8px; padding: 16px; color: #59636e; }
footer { color: #59636e; font-size: 12px; margin-top: 40px; }
"""


def _e(text: object) -> str:
    return html.escape(safe(str(text), keep="\t"), quote=True)


_INLINE_CODE = re.compile(r"``(.+?)``|`([^`]+)`")


def _inline(text: str) -> str:
    """Escape ``text``, rendering its ``code`` spans (RST or Markdown style) as <code>."""
    out: List[str] = []
    position = 0
    for match in _INLINE_CODE.finditer(text):
        out.append(_e(text[position:match.start()]))
        out.append(f"<code>{_e(match.group(1) or match.group(2))}</code>")
        position = match.end()
    out.append(_e(text[position:]))
    return "".join(out)


def _badge(code: str, stats: Optional[RuleStats] = None) -> str:
    title = f' title="{_e(stats.name + ": " + stats.summary)}"' if stats and stats.rule else ""
    return f'<span class="badge" style="background:{_code_color(code)}"{title}>{_e(code)}</span>'


def _file_id(index: int) -> str:
    return f"file-{index + 1}"


def _highlighted(text: str, spans: Sequence[Tuple[int, int]], tag: str) -> str:
    if not spans:
        return _e(text)
    out: List[str] = []
    position = 0
    for start, end in spans:
        out.append(_e(text[position:start]))
        out.append(f"<{tag}>{_e(text[start:end])}</{tag}>")
        position = end
    out.append(_e(text[position:]))
    return "".join(out)


def _hunk_html(review: Review, hunk: Hunk, number: int) -> str:
    header = f'<span class="hdr">hunk {number} · {_e(hunk.header)}</span>'
    if hunk.unsafe:
        header += ('<span class="badge unsafe" title="this fix can change behaviour: review it, prove it '
                   'with the parity suite">unsafe fix</span>')
    if hunk.labels:
        labels = []
        for code in hunk.labels:
            stats = review.stat(code)
            name = stats.name if stats else ""
            summary = stats.summary if stats else ""
            extra = "" if code in hunk.codes else ' <span class="muted">(changed these lines; finding reported elsewhere)</span>'
            labels.append(f'<div class="rl">{_badge(code, stats)}<span class="why"><b>{_e(name)}</b>'
                          f'{" — " if summary else ""}{_inline(summary)}</span>{extra}</div>')
        items = "".join(f"<li>line {f.line}: <b>{_e(f.code)}</b> {'<i>(unsafe)</i> ' if f.applicability == UNSAFE else ''}"
                        f"{_inline(f.message)}</li>" for f in hunk.findings)
        listing = f"<ul>{items}</ul>" if items else ""
        label = (f'<div class="label" data-codes="{_e(" ".join(hunk.labels))}">{header}'
                 f'{"".join(labels)}{listing}</div>')
    else:
        label = (f'<div class="label unlabelled" data-codes="">{header}<span class="badge none">no rule</span>'
                 '<span class="why muted">no rule reported a finding or a rewrite at these lines</span></div>')
    rows = []
    for line in hunk.lines:
        cls = {"+": "add", "-": "del", " ": "ctx"}[line.kind]
        tag = "ins" if line.kind == "+" else "del"
        content = _highlighted(line.text, line.spans, tag)
        mark = ""
        if line.rules:
            last = line.rules[-1]
            more = f"<small>+{len(line.rules) - 1}</small>" if len(line.rules) > 1 else ""
            mark = (f'<span title="{_e(" → ".join(line.rules))}" style="color:{_code_color(last)}">'
                    f'{_e(last)}</span>{more}')
        rows.append(f'<tr class="{cls}"><td class="n">{line.old or ""}</td><td class="n">{line.new or ""}</td>'
                    f'<td class="r">{mark}</td><td class="s">{_e(line.kind.strip())}</td>'
                    f'<td class="c">{content}</td></tr>')
    table = ('<table class="diff"><colgroup><col class="n"><col class="n"><col class="r"><col class="s"><col>'
             f'</colgroup><tbody>{"".join(rows)}</tbody></table>')
    return f'<div class="hunk">{label}{table}</div>'


def _warnings_list(file: FileReview) -> str:
    items = []
    for w in file.warnings:
        src = file.source(w.line).strip()
        src_html = f'<pre class="src">{_e(src)}</pre>' if src else ""
        items.append(f"<li>line {w.line}:{w.column} {_badge(w.code)} {_e(w.message)}{src_html}</li>")
    return "".join(items)


def review_html(review: Review, title: str = "agno-migrate review") -> str:
    """A self-contained HTML page (inline CSS, no scripts, no external assets)."""
    t = review.totals
    changed = review.changed
    added = sum(f.added for f in changed)
    removed = sum(f.removed for f in changed)
    parts: List[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f'<header class="top"><div class="inner"><h1>{_e(title)}</h1>',
        f'<p>{_e(" ".join(review.paths) or ".")} · agno-migrate {_e(tool_version())} · nothing was written; '
        "this is what <code>agno-migrate apply</code> would do</p></div></header><main>",
        '<section class="totals" id="totals">',
        f'<div class="card"><b>{t["files"]}</b><span>files checked</span></div>',
        f'<div class="card"><b>{t["changed"]}</b><span>files would change</span></div>',
        f'<div class="card"><b>{t["hunks"]}</b><span>hunks</span></div>',
        f'<div class="card add"><b>+{added}</b><span>lines added</span></div>',
        f'<div class="card del"><b>−{removed}</b><span>lines removed</span></div>',
        f'<div class="card"><b>{t["fixes"]}</b><span>fixes</span></div>',
        f'<div class="card warn"><b>{t["warnings"]}</b><span>left alone</span></div>',
        f'<div class="card err"><b>{t["errors"]}</b><span>errors</span></div>',
        "</section>",
        '<h2 id="rules">Rules</h2>',
        '<table class="grid rules"><thead><tr><th>Rule</th><th>Name</th><th>Why</th>'
        '<th class="num">Fixes</th><th class="num">Left alone</th><th class="num">Hunks</th>'
        '<th class="num">Files</th></tr></thead><tbody>',
    ]
    for s in review.stats:
        idle = ' class="idle"' if not (s.fixes or s.warnings) else ""
        why_html = _inline(s.summary) + (f'<div class="muted">{_inline(s.why)}</div>' if s.why else "")
        parts.append(f'<tr{idle} data-code="{_e(s.code)}"><td>{_badge(s.code, s)}</td><td><code>{_e(s.name)}</code></td>'
                     f'<td>{why_html}</td><td class="num">{s.fixes}</td><td class="num">{s.warnings}</td>'
                     f'<td class="num">{s.hunks}</td><td class="num">{s.files}</td></tr>')
    if not review.stats:
        parts.append('<tr class="idle"><td colspan="7">No rules were selected.</td></tr>')
    parts.append("</tbody></table>")

    if review.warnings:
        parts.append(f'<h2 id="left-alone">Left alone — needs a human ({len(review.warnings)})</h2>')
        parts.append('<table class="grid warnings"><thead><tr><th>Where</th><th>Rule</th><th>Message</th>'
                     "</tr></thead><tbody>")
        for index, file in enumerate(review.files):
            for w in file.warnings:
                src = file.source(w.line).strip()
                src_html = f'<pre class="src">{_e(src)}</pre>' if src else ""
                parts.append(f'<tr><td><a href="#{_file_id(index)}"><code>{_e(w.path)}:{w.line}:{w.column}</code>'
                             f'</a></td><td>{_badge(w.code, review.stat(w.code))}</td><td>{_e(w.message)}'
                             f"{src_html}</td></tr>")
        parts.append("</tbody></table>")

    if review.errors:
        parts.append(f'<h2 id="errors">Errors ({len(review.errors)})</h2><div class="note err"><ul>')
        parts += [f"<li><code>{_e(f.path)}</code>: {_e(f.error)}</li>" for f in review.errors]
        parts.append("</ul></div>")

    parts.append(f'<h2 id="files">Files ({len(changed)} would change)</h2>')
    if not review.files:
        parts.append('<div class="empty">Nothing to migrate: no selected rule changes these files.</div>')
    else:
        parts.append('<ul class="toc">')
        for index, file in enumerate(review.files):
            badges = " ".join(_badge(code, review.stat(code)) for code in file.codes)
            parts.append(f'<li><a href="#{_file_id(index)}"><code>{_e(file.path)}</code></a> '
                         f'<span class="stat-add">+{file.added}</span> <span class="stat-del">−{file.removed}'
                         f"</span> {badges}</li>")
        parts.append("</ul>")
    for index, file in enumerate(review.files):
        parts.append(f'<details class="file" id="{_file_id(index)}" open><summary><code>{_e(file.path)}</code> '
                     f'<span class="stat-add">+{file.added}</span> <span class="stat-del">−{file.removed}</span> '
                     f'<span class="muted">· {len(file.hunks)} hunk(s)</span></summary>')
        if file.error:
            parts.append(f'<div class="note err"><b>Not migrated:</b> {_e(file.error)}</div>')
        if file.warnings:
            parts.append(f'<div class="note"><b>Left alone ({len(file.warnings)}):</b><ul>'
                         f"{_warnings_list(file)}</ul></div>")
        if file.unplaced:
            items = "".join(f"<li>line {f.line}: {_badge(f.code, review.stat(f.code))} {_e(f.message)}</li>"
                            for f in file.unplaced)
            parts.append(f'<div class="note"><b>Other fixes in this file:</b><ul>{items}</ul></div>')
        for number, hunk in enumerate(file.hunks, 1):
            parts.append(_hunk_html(review, hunk, number))
        parts.append("</details>")
    parts.append("<footer>Generated by agno-migrate review. Apply with <code>agno-migrate apply PATHS</code>; "
                 "spots left alone must be migrated by hand.</footer></main></body></html>")
    return "\n".join(parts) + "\n"
