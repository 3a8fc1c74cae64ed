"""The review (``agno-migrate review``): a diff of every changed file whose hunks are labelled
with the rules that produced them, and each changed line marked with the rules that wrote it,
for a human reviewer.  :mod:`codemods.reports.html` and :mod:`codemods.reports.markdown`
render it.

The labels come from the steps the engine recorded while it ran (the code after each rule that
changed a file, :attr:`codemods.engine.FileResult.steps`), traced back to the original lines by
the engine's own :class:`codemods.lines.LineMap`: no rule runs a second time.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, List, Mapping, Optional, Sequence, Set, Tuple, Type

from codemods.engine import FileResult
from codemods.finding import UNSAFE, Finding
from codemods.lines import LineMap, source_lines
from codemods.reports.diff import decode_source
from codemods.reports.rules import doc_section, first_paragraph
from codemods.reports.statistics import counts

if TYPE_CHECKING:
    from codemods.rule import Rule


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
    # Rules whose rewrite changed these lines (from the recorded steps, see attribution), in run order.
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
        return first_paragraph(doc_section(self.rule.doc(), "Why is this bad", "Why"))


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


def attribution(original_lines: Sequence[str], steps: Mapping[str, str]) -> LineMap:
    """The original lines traced through the recorded ``steps`` (rule code -> code after it, in
    order): which original lines each rule touched, and which rules wrote each final line."""
    lines = LineMap(original_lines)
    for code, text in steps.items():
        lines.advance(source_lines(text), code)
    return lines


def review_file(result: FileResult, context: int = 3, rules: Sequence[Type[Rule]] = ()) -> FileReview:
    """Hunks of one file's migration, each with the findings that fall in or next to it, and
    labelled with the rules whose recorded steps changed its lines (:attr:`FileResult.steps`)."""
    review = FileReview(path=result.path, error=result.error)
    before = decode_source(result.original) if result.original is not None else ""
    review.source_lines = source_lines(before)
    after: List[str] = []
    if result.changed:
        assert result.migrated is not None
        after = source_lines(decode_source(result.migrated))
        review.hunks = diff_hunks(review.source_lines, after, context)
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
    if review.hunks and result.steps:
        steps = attribution(review.source_lines, result.steps)
        touched = steps.touched
        # Per-line marks only when the steps end in the migrated text (the engine's always do).
        if steps.lines == after:
            for hunk in review.hunks:
                for line in hunk.lines:
                    if line.kind == "+" and line.new is not None:
                        line.rules = list(dict.fromkeys(steps.written_by[line.new - 1]))
                    elif line.kind == "-" and line.old is not None:
                        line.rules = list(dict.fromkeys(steps.changed_by.get(line.old, ())))
    order = {rule.code: index for index, rule in enumerate(rules)}
    rank = lambda code: (order.get(code, len(order)), code)  # noqa: E731
    for hunk in review.hunks:
        positions = hunk.positions()
        hunk.changed_by = sorted((code for code, lines in touched.items() if lines & positions), key=rank)
        hunk.findings.sort(key=lambda f: (f.line, f.column, rank(f.code)))
        hunk.labels = sorted(set(hunk.codes) | set(hunk.changed_by), key=rank)
    return review


def build_review(results: Sequence[FileResult], rules: Sequence[Type[Rule]],
                 paths: Sequence[str] = (), context: int = 3) -> Review:
    """The review of a run: files that change, have warnings or failed, plus per-rule stats.

    No rule runs here: the hunks are labelled from the steps the engine recorded
    (``engine.run(..., record_steps=True)``); a changed file without them is labelled by
    its findings only.
    """
    files = [review_file(r, context, rules) for r in results]
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
