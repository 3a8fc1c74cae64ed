"""Everything agno-migrate prints about a run, kept out of the CLI.

* :func:`render_findings`: the ``--output-format`` of ``check``/``apply``
  (``text``, ``json``, ``github`` workflow commands, ``sarif``);
* :func:`summary_line`: the one-line summary written to stderr;
* :func:`rules_markdown`: ``agno-migrate rules --format markdown``;
* :func:`build_review`, :func:`review_html`, :func:`review_markdown`:
  ``agno-migrate review``, a diff of every changed file whose hunks are
  labelled with the rules that produced them, for a human reviewer.
"""

from __future__ import annotations

import difflib
import html
import io
import json
import re
import tokenize
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Set, Tuple, Type

from codemods import engine
from codemods.engine import FileResult
from codemods.finding import UNSAFE, Finding
from codemods.rules import RuleRef, load_rules
from codemods.sarif import doc_section, finding_level, to_sarif, tool_version

if TYPE_CHECKING:
    from codemods.rule import Rule

OUTPUT_FORMATS = ("text", "json", "github", "sarif")

# -- findings ----------------------------------------------------------------------


def all_findings(results: Iterable[FileResult]) -> List[Finding]:
    return [finding for result in results for finding in result.findings]


# Control characters (C0, DEL, C1), bidirectional overrides and the lone surrogates
# that stand for undecodable bytes of a file name: never printed raw.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(match: "re.Match[str]") -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: str, keep: str = "") -> str:
    """``text`` with control characters and undecodable bytes escaped (``\\n``, ``\\x1b``, ``\\xff``),
    except the characters in ``keep``."""
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape_char(m), text)


def error_line(result: FileResult) -> str:
    return safe(f"{result.path}: error: {result.error}")


def applied_fix(result: FileResult, applied: bool) -> bool:
    """Whether ``result``'s fixes were written (``apply``) rather than only proposed."""
    return applied and result.written


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


def render_findings(results: Sequence[FileResult], output_format: str, rules: Sequence[RuleRef],
                    *, applied: bool = False) -> str:
    """What ``check``/``apply`` print on stdout ('' when there is nothing).

    For ``text`` the file errors are *not* included (the CLI writes them to
    stderr); the machine formats carry them.
    """
    findings = all_findings(results)
    errors = [r for r in results if r.error]
    if output_format == "json":
        payload = {
            "findings": [_finding_json(finding, applied_fix(r, applied)) for r in results for finding in r.findings],
            "errors": [{"path": r.path, "message": r.error} for r in errors],
            "summary": counts(results, applied),
        }
        return json.dumps(payload, indent=2) + "\n"
    if output_format == "sarif":
        return json.dumps(to_sarif(results, load_rules(rules), applied=applied), indent=2) + "\n"
    if output_format == "github":
        lines = [github_line(f, applied_fix(r, applied)) for r in results for f in r.findings]
        lines += [f"::error file={_gh_property(r.path)},title=agno-migrate::{_gh_data(r.error or '')}"
                  for r in errors]
    elif output_format == "text":
        lines = [safe(f.format()) for f in findings]
    else:
        raise ValueError(f"unknown output format {output_format!r}")
    return "".join(line + "\n" for line in lines)


def _finding_json(finding: Finding, written: bool) -> Dict[str, Any]:
    """A finding for JSON output: ``fixable`` (the rule has a fix for it, made or held
    back as unsafe), ``applied`` (the fix is in a file on disk: ``apply`` wrote it)."""
    data = finding.as_dict()
    del data["fixed"]
    data["fixable"] = finding.fixed or finding.unsafe_not_applied
    data["applied"] = written and finding.fixed
    return data


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


# -- rule documentation ------------------------------------------------------------


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


def _md_cell(text: str) -> str:
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
        out.append(f"| [{rule.code}](#{_anchor(rule)}) | `{rule.name}` | {_md_cell(rule.summary)} "
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


# -- review model ------------------------------------------------------------------


@dataclass
class DiffLine:
    kind: str  # " " context, "-" removed, "+" added
    old: Optional[int]  # 1-based line number in the original, None for added lines
    new: Optional[int]  # 1-based line number in the migrated file, None for removed lines
    text: str
    # (start, end) character spans that differ from the paired line (intra-line highlight).
    spans: List[Tuple[int, int]] = field(default_factory=list)
    # The rules that removed or wrote this line, in order (review only; empty when unknown).
    rules: List[str] = field(default_factory=list)


@dataclass
class Hunk:
    old_start: int
    old_count: int
    new_start: int
    new_count: int
    lines: List[DiffLine]
    findings: List[Finding] = field(default_factory=list)
    # Rules whose rewrite changed these lines (see change_attribution), in run order.
    changed_by: List[str] = field(default_factory=list)
    # Every rule the hunk is labelled with (findings' and changed_by's codes), in run order.
    labels: List[str] = field(default_factory=list)

    @property
    def header(self) -> str:
        return (f"@@ -{_range(self.old_start, self.old_count)} "
                f"+{_range(self.new_start, self.new_count)} @@")

    @property
    def codes(self) -> List[str]:
        """Codes of the findings in or next to the hunk."""
        return list(dict.fromkeys(f.code for f in self.findings))

    @property
    def unsafe(self) -> bool:
        """An unsafe fix (one that can change behaviour, made with --unsafe-fixes) is in the hunk."""
        return any(f.fixed and f.applicability == UNSAFE for f in self.findings)

    def positions(self) -> Set[int]:
        """Original line numbers the hunk changes; an insertion counts for the lines around it."""
        found: Set[int] = set()
        previous: Optional[int] = None
        pending_insert = False
        for line in self.lines:
            if line.kind == "+":
                pending_insert = True
                if previous is not None:
                    found.add(previous)
                continue
            assert line.old is not None
            if line.kind == "-":
                found.add(line.old)
            if pending_insert:
                found.add(line.old)
                pending_insert = False
            previous = line.old
        if pending_insert:
            found.add((previous or 0) + 1)
        return found

    @property
    def old_span(self) -> Tuple[int, int]:
        """First and last original line the hunk shows (context included)."""
        if self.old_count == 0:
            return (self.old_start, self.old_start)
        return (self.old_start, self.old_start + self.old_count - 1)


def _range(start: int, count: int) -> str:
    return f"{start}" if count == 1 else f"{start},{count}"


@dataclass
class FileReview:
    path: str
    hunks: List[Hunk] = field(default_factory=list)
    warnings: List[Finding] = field(default_factory=list)
    # Fixes reported too far from every hunk to be attached to one.
    unplaced: List[Finding] = field(default_factory=list)
    error: Optional[str] = None
    source_lines: List[str] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(1 for h in self.hunks for line in h.lines if line.kind == "+")

    @property
    def removed(self) -> int:
        return sum(1 for h in self.hunks for line in h.lines if line.kind == "-")

    @property
    def codes(self) -> List[str]:
        found = [code for h in self.hunks for code in h.labels] + [f.code for f in self.unplaced + self.warnings]
        return sorted(set(found))

    def source(self, line: int) -> str:
        return self.source_lines[line - 1] if 0 < line <= len(self.source_lines) else ""


@dataclass
class RuleStats:
    rule: Optional[Type[Rule]]
    code: str
    fixes: int = 0
    warnings: int = 0
    hunks: int = 0
    files: int = 0

    @property
    def name(self) -> str:
        return self.rule.name if self.rule else ""

    @property
    def summary(self) -> str:
        return self.rule.summary if self.rule else ""

    @property
    def why(self) -> str:
        if self.rule is None:
            return ""
        body = doc_section(self.rule.doc(), "Why is this bad", "Why")
        return " ".join(body.split("\n\n", 1)[0].split()) if body else ""


@dataclass
class Review:
    files: List[FileReview]
    stats: List[RuleStats]
    totals: Dict[str, int]
    paths: List[str]

    @property
    def warnings(self) -> List[Finding]:
        return [w for f in self.files for w in f.warnings]

    @property
    def errors(self) -> List[FileReview]:
        return [f for f in self.files if f.error]

    @property
    def changed(self) -> List[FileReview]:
        return [f for f in self.files if f.hunks]

    def stat(self, code: str) -> Optional[RuleStats]:
        return next((s for s in self.stats if s.code == code), None)


NEAR = 3  # a finding this many lines outside a hunk's context still labels it


def decode_source(data: bytes) -> str:
    """Decode Python source bytes honouring a BOM or an encoding cookie."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return data.decode("utf-8", errors="replace")


def source_lines(text: str, keepends: bool = False) -> List[str]:
    """Split on \\n, \\r\\n and \\r only (``str.splitlines`` also splits on form feeds)."""
    lines = io.StringIO(text, newline="").readlines()
    return lines if keepends else [line.rstrip("\r\n") for line in lines]


def unified_diff(result: FileResult, context: int = 3) -> str:
    """The ``git apply``-able unified diff of a result ('' if unchanged).

    Like GNU diff, a line without a final newline is followed by
    ``\\ No newline at end of file``.
    """
    if not result.changed:
        return ""
    assert result.original is not None and result.migrated is not None
    before = source_lines(decode_source(result.original), keepends=True)
    after = source_lines(decode_source(result.migrated), keepends=True)
    out: List[str] = []
    path = safe(result.path).lstrip("/")  # a/tmp/x.py, not a//tmp/x.py; no newline in a header
    for line in difflib.unified_diff(before, after, fromfile=f"a/{path}", tofile=f"b/{path}", n=context):
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def _intraline(old: str, new: str) -> Tuple[List[Tuple[int, int]], List[Tuple[int, int]]]:
    """Character spans of the words that differ between two similar lines."""
    old_tokens = [m.span() for m in _TOKEN.finditer(old)]
    new_tokens = [m.span() for m in _TOKEN.finditer(new)]
    matcher = difflib.SequenceMatcher(None, [old[a:b] for a, b in old_tokens],
                                      [new[a:b] for a, b in new_tokens], autojunk=False)
    old_spans: List[Tuple[int, int]] = []
    new_spans: List[Tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            old_spans.append((old_tokens[i1][0], old_tokens[i2 - 1][1]))
        if j2 > j1:
            new_spans.append((new_tokens[j1][0], new_tokens[j2 - 1][1]))
    return old_spans, new_spans


def _pair_lines(removed: List["DiffLine"], added: List["DiffLine"], threshold: float = 0.6) -> None:
    """Highlight changed words in removed/added lines that are edits of each other.

    The most similar pairs are taken first, without crossing (pairs stay in
    order), so a rewritten statement is highlighted but lines that merely
    replace unrelated ones are not.
    """
    candidates: List[Tuple[float, int, int]] = []
    if len(removed) * len(added) > 4000:  # huge blocks: only compare lines at the same offset
        pairs = [(i, i) for i in range(min(len(removed), len(added)))]
    else:
        pairs = [(i, j) for i in range(len(removed)) for j in range(len(added))]
    for i, j in pairs:
        matcher = difflib.SequenceMatcher(None, removed[i].text.strip(), added[j].text.strip(), autojunk=False)
        if matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold:
            ratio = matcher.ratio()
            if ratio >= threshold:
                candidates.append((ratio, i, j))
    chosen: List[Tuple[int, int]] = []
    for _, i, j in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if all((i - a) * (j - b) > 0 for a, b in chosen):  # unused and not crossing
            chosen.append((i, j))
            removed[i].spans, added[j].spans = _intraline(removed[i].text, added[j].text)


def diff_hunks(before: Sequence[str], after: Sequence[str], context: int = 3) -> List[Hunk]:
    """The hunks of the unified diff of two line lists (as :mod:`difflib` groups them)."""
    matcher = difflib.SequenceMatcher(None, list(before), list(after), autojunk=False)
    hunks: List[Hunk] = []
    for group in matcher.get_grouped_opcodes(context):
        i_first, i_last = group[0][1], group[-1][2]
        j_first, j_last = group[0][3], group[-1][4]
        lines: List[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine(" ", i + 1, j1 + (i - i1) + 1, before[i]) for i in range(i1, i2)]
                continue
            removed = [DiffLine("-", i + 1, None, before[i]) for i in range(i1, i2)]
            added = [DiffLine("+", None, j + 1, after[j]) for j in range(j1, j2)]
            if tag == "replace":
                _pair_lines(removed, added)
            lines += removed + added
        old_count, new_count = i_last - i_first, j_last - j_first
        hunks.append(Hunk(
            old_start=i_first + 1 if old_count else i_first,
            old_count=old_count,
            new_start=j_first + 1 if new_count else j_first,
            new_count=new_count,
            lines=lines,
        ))
    return hunks


def _place(finding: Finding, hunks: Sequence[Hunk]) -> Optional[Hunk]:
    best: Optional[Hunk] = None
    best_distance = NEAR + 1
    for hunk in hunks:
        first, last = hunk.old_span
        distance = 0 if first <= finding.line <= last else min(abs(finding.line - first), abs(finding.line - last))
        if distance < best_distance:
            best, best_distance = hunk, distance
    return best


@dataclass
class Attribution:
    """What replaying the rules one at a time says about who changed what."""

    touched: Dict[str, Set[int]] = field(default_factory=dict)  # code -> original lines it touched
    # Original line -> the rules that changed it, in order (the last one removed or last rewrote it).
    changed_by: Dict[int, List[str]] = field(default_factory=dict)
    final_lines: List[str] = field(default_factory=list)  # the replay's output
    written_by: List[List[str]] = field(default_factory=list)  # per final line: the rules that wrote it


def replay_rules(original: bytes, rules: Sequence[Type[Rule]], path: str = "<string>",
                 options: Optional[Mapping[str, Any]] = None) -> Attribution:
    """Replay the rules one at a time (each on the previous one's output, as the
    engine chains them), mapping every changed line back to the original file;
    an insertion counts for the original lines around it.

    Used to label hunks no finding falls in (e.g. an import a rule removed)
    and to mark each changed line with the rules that wrote it.
    """
    lines = source_lines(decode_source(original))
    line_map = list(range(1, len(lines) + 1))  # current index -> original line (or insertion anchor)
    origin: List[Optional[int]] = list(line_map)  # current index -> original line it is an edit of
    chains: List[List[str]] = [[] for _ in lines]  # current index -> rules that wrote it
    result = Attribution()
    for rule, after_rule in _rule_steps(original, rules, path, options):
        new_lines = source_lines(after_rule)
        hits = result.touched.setdefault(rule.code, set())
        new_map: List[int] = []
        new_origin: List[Optional[int]] = []
        new_chains: List[List[str]] = []
        matcher = difflib.SequenceMatcher(None, lines, new_lines, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                new_map += line_map[i1:i2]
                new_origin += origin[i1:i2]
                new_chains += chains[i1:i2]
                continue
            before = line_map[i1 - 1] if i1 > 0 else 0
            after = line_map[i2] if i2 < len(line_map) else (line_map[-1] + 1 if line_map else 1)
            hits.update(line_map[i1:i2])
            for index in range(i1, i2):
                source_line = origin[index]
                if source_line is not None:
                    result.changed_by[source_line] = chains[index] + [rule.code]
            if j2 - j1 > i2 - i1:  # lines inserted
                hits.update({before, after} - {0})
            for offset in range(j2 - j1):
                if i1 + offset < i2:  # an edit of the old line at the same position
                    new_map.append(line_map[i1 + offset])
                    new_origin.append(origin[i1 + offset])
                    new_chains.append(chains[i1 + offset] + [rule.code])
                else:
                    new_map.append(before or after)
                    new_origin.append(None)
                    new_chains.append([rule.code])
        lines, line_map, origin, chains = new_lines, new_map, new_origin, new_chains
    result.final_lines, result.written_by = lines, chains
    return result


def change_attribution(original: bytes, rules: Sequence[Type[Rule]], path: str = "<string>",
                       options: Optional[Mapping[str, Any]] = None) -> Dict[str, Set[int]]:
    """Which original lines each rule's rewrite touched (see :func:`replay_rules`)."""
    return replay_rules(original, rules, path, options).touched


def _rule_steps(original: bytes, rules: Sequence[Type[Rule]], path: str,
                options: Optional[Mapping[str, Any]]) -> Iterator[Tuple[Type[Rule], str]]:
    """``(rule, code after it)`` for every rule that changes the code, chained
    exactly as :func:`codemods.engine.migrate_source` chains them; stops at a
    failing rule."""
    import libcst as cst

    triggered = load_rules(engine.triggered_rules(original, rules))
    if not triggered:
        return
    try:
        module = cst.parse_module(original)
    except Exception:
        return
    try:
        for rule, _context, new_module in engine.rule_steps(module, triggered, path, options, selected=rules):
            if new_module.code != module.code:
                module = new_module
                yield rule, module.code
    except Exception:
        return


def review_file(result: FileResult, context: int = 3, rules: Sequence[Type[Rule]] = (),
                options: Optional[Mapping[str, Any]] = None) -> FileReview:
    """Hunks of one file's migration, each with the findings that fall in or next to it."""
    review = FileReview(path=result.path, error=result.error)
    before = decode_source(result.original) if result.original is not None else ""
    review.source_lines = source_lines(before)
    if result.changed:
        assert result.migrated is not None
        review.hunks = diff_hunks(review.source_lines, source_lines(decode_source(result.migrated)), context)
    for finding in result.findings:
        if not finding.fixed:
            review.warnings.append(finding)
            continue
        hunk = _place(finding, review.hunks)
        if hunk is None:
            review.unplaced.append(finding)
        else:
            hunk.findings.append(finding)
    touched: Dict[str, Set[int]] = {}
    if review.hunks and rules and result.original is not None and result.migrated is not None:
        applied = [rule for rule in rules if rule.code in result.applied_rules] if result.applied_rules else rules
        replay = replay_rules(result.original, applied, result.path, options)
        touched = replay.touched
        # Per-line marks only when the replay reproduces the engine's output exactly.
        if replay.final_lines == source_lines(decode_source(result.migrated)):
            for hunk in review.hunks:
                for line in hunk.lines:
                    if line.kind == "+" and line.new is not None:
                        line.rules = list(dict.fromkeys(replay.written_by[line.new - 1]))
                    elif line.kind == "-" and line.old is not None:
                        line.rules = list(dict.fromkeys(replay.changed_by.get(line.old, [])))
    order = {rule.code: index for index, rule in enumerate(rules)}
    rank = lambda code: (order.get(code, len(order)), code)  # noqa: E731
    for hunk in review.hunks:
        positions = hunk.positions()
        hunk.changed_by = sorted((code for code, lines in touched.items() if lines & positions), key=rank)
        hunk.findings.sort(key=lambda f: (f.line, f.column, rank(f.code)))
        hunk.labels = sorted(set(hunk.codes) | set(hunk.changed_by), key=rank)
    return review


def build_review(results: Sequence[FileResult], rules: Sequence[Type[Rule]],
                 paths: Sequence[str] = (), context: int = 3,
                 options: Optional[Mapping[str, Any]] = None) -> Review:
    """The review of a run: files that change, have warnings or failed, plus per-rule stats."""
    files = [review_file(r, context, rules, options) for r in results]
    files = [f for f in files if f.hunks or f.warnings or f.unplaced or f.error]
    by_code: Dict[str, RuleStats] = {rule.code: RuleStats(rule=rule, code=rule.code) for rule in rules}
    for file in files:
        touched = set()
        for finding in [f for h in file.hunks for f in h.findings] + file.unplaced + file.warnings:
            stat = by_code.setdefault(finding.code, RuleStats(rule=None, code=finding.code))
            if finding.fixed:
                stat.fixes += 1
            else:
                stat.warnings += 1
            touched.add(finding.code)
        for hunk in file.hunks:
            for code in hunk.labels:
                by_code.setdefault(code, RuleStats(rule=None, code=code)).hunks += 1
        for code in touched:
            by_code[code].files += 1
    totals = counts(results)
    totals["hunks"] = sum(len(f.hunks) for f in files)
    totals["unlabelled"] = sum(1 for f in files for h in f.hunks if not h.labels)
    return Review(files=files, stats=list(by_code.values()), totals=totals, paths=list(paths))


# -- review: HTML ------------------------------------------------------------------

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


# -- review: Markdown --------------------------------------------------------------


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
            labels.append(f"**{code}**" + (f" — {_md_cell(summary)}" if summary else "") + elsewhere)
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
        out.append(f"| `{s.code}` | `{s.name}` | {_md_cell(s.summary)} | {s.fixes} | {s.warnings} | {s.files} |")
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
