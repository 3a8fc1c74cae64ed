"""``agno-migrate review``: labelled hunks, HTML and Markdown reports, a real browser.

The report logic is tested on the test-only rules of ``tests/test_cli.py``
(deterministic labels); one test runs the project's real rules on the legacy
example.  The browser test renders the HTML report of the legacy example in
headless Chromium, checks the screenshot is not blank and that the DOM holds
the expected hunk labels.  It installs Chromium with ``scripts/install-chromium``
when it is missing and skips only when that fails.
"""

from __future__ import annotations

import html.parser
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Type, Union

import libcst as cst
import pytest
from click.testing import CliRunner

from codemods import engine
from codemods.cli import main
from codemods.engine import migrate_source
from codemods.reports import build_review, review_html, review_markdown
from codemods.reports.review import Hunk, attribution, diff_hunks
from codemods.rule import Rule
from codemods.rules import select_rules
from tests.test_cli import (  # noqa: F401
    ARUN_SOURCE,
    BROKEN_SOURCE,
    LEGACY,
    REPO,
    TEST_RULES,
    ArunRule,
    RenameEventRule,
    copy_legacy,
    test_rules,
    write,
)

# -- the review model ----------------------------------------------------------------


class DropImportRule(Rule):
    """Remove ``import asyncio`` without reporting anything (a silent side effect)."""

    code = "TST005"
    name = "test-drop-import"
    summary = "drop import asyncio"
    triggers = ("import asyncio",)

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import
                     ) -> Union[cst.Import, cst.RemovalSentinel]:
        if [alias.evaluated_name for alias in updated_node.names] == ["asyncio"]:
            return cst.RemoveFromParent()
        return updated_node


FAR_SOURCE = "import asyncio\n" + "\n" * 20 + "def route(agent, message):\n" \
    "    return asyncio.run(agent.arun(message))\n"


def review_of(source: str, rules: Sequence[Type[Rule]], path: str = "m.py"):
    result = migrate_source(source.encode(), rules, path, record_steps=True)
    return build_review([result], rules, [path])


def test_hunks_are_labelled_with_the_rules_of_their_findings() -> None:
    review = review_of(FAR_SOURCE, [ArunRule])
    (file,) = review.files
    (hunk,) = file.hunks
    assert hunk.labels == ["TST001"] and hunk.codes == ["TST001"]
    assert [f.line for f in hunk.findings] == [23]
    assert [line.kind for line in hunk.lines if line.kind != " "] == ["-", "+"]
    stats = {s.code: (s.fixes, s.warnings, s.hunks, s.files) for s in review.stats}
    assert stats == {"TST001": (1, 0, 1, 1)}


def test_silent_rewrites_are_attributed_from_the_recorded_steps() -> None:
    review = review_of(FAR_SOURCE, [DropImportRule, ArunRule])
    first, second = review.files[0].hunks
    assert first.codes == [] and first.labels == ["TST005"] and first.changed_by == ["TST005"]
    assert second.labels == ["TST001"]
    assert review.totals["unlabelled"] == 0
    html_text = review_html(review)
    assert "changed these lines; finding reported elsewhere" in html_text
    assert "_(finding reported elsewhere)_" in review_markdown(review)


def test_changed_lines_are_marked_with_the_rules_that_wrote_them() -> None:
    review = review_of(FAR_SOURCE, [DropImportRule, ArunRule])
    marks = [(line.kind, line.text.strip(), line.rules) for hunk in review.files[0].hunks
             for line in hunk.lines if line.kind != " "]
    assert marks == [
        ("-", "import asyncio", ["TST005"]),
        ("-", "return asyncio.run(agent.arun(message))", ["TST001"]),
        ("+", "return agent.run(message)", ["TST001"]),
    ]
    page = review_html(review)
    assert '<td class="r"><span title="TST005"' in page


def test_a_line_rewritten_by_two_rules_lists_both() -> None:
    source = ("import asyncio\n\nx = asyncio.run(agent.arun(RunResponseContentEvent))\n"
              "agent = RunResponse = None\n")
    review = review_of(source, [ArunRule, RenameEventRule])
    changed = [line for hunk in review.files[0].hunks for line in hunk.lines if line.kind != " "]
    assert [line.rules for line in changed] == [["TST001", "TST002"], ["TST001", "TST002"]]
    assert "TST001 → TST002" in review_html(review) and "<small>+1</small>" in review_html(review)


def test_change_attribution_maps_to_original_lines() -> None:
    source = b"import asyncio\nx = 1\n\ndef f(a):\n    return asyncio.run(a.arun(1))\n"
    result = migrate_source(source, [DropImportRule, ArunRule], record_steps=True)
    assert result.steps is not None and list(result.steps) == ["TST005", "TST001"]
    touched = attribution(source.decode().splitlines(), result.steps).touched
    assert touched["TST005"] == {1}
    assert touched["TST001"] == {5}


def test_unlabelled_hunk_when_no_rule_is_known() -> None:
    result = migrate_source(FAR_SOURCE.encode(), [DropImportRule, ArunRule], "m.py")
    review = build_review([result], [])  # no rule known, no steps recorded
    first = review.files[0].hunks[0]
    assert first.labels == [] and review.totals["unlabelled"] == 1
    assert "no rule reported a finding or a rewrite" in review_html(review)


def test_warnings_and_errors_are_listed(test_rules, tmp_path: Path) -> None:
    legacy = copy_legacy(tmp_path)
    write(legacy / "broken.py", BROKEN_SOURCE)
    results = engine.run([str(legacy)], TEST_RULES, write=False, record_steps=True)
    review = build_review(results, TEST_RULES, [str(legacy)])
    assert [w.code for w in review.warnings] == ["TST003"]
    assert [f.path for f in review.errors] == [str(legacy / "broken.py")]
    page = review_html(review)
    warning = review.warnings[0]
    assert f"{warning.path}:{warning.line}:{warning.column}" in page
    assert "ThreadPoolExecutor(max_workers=4)" in page  # the source line left alone is shown
    assert "syntax error" in page
    text = review_markdown(review)
    assert f"`{warning.path}:{warning.line}:{warning.column}` **TST003**" in text
    assert "### Errors (1)" in text


def test_diff_hunks_match_difflib() -> None:
    import difflib

    before = [f"line {i}" for i in range(40)]
    after = before[:5] + ["new"] + before[6:30] + before[31:] + ["tail"]
    hunks = diff_hunks(before, after)
    expected = [line for line in difflib.unified_diff(before, after, lineterm="") if line.startswith("@@")]
    assert [h.header for h in hunks] == expected


def test_intraline_highlight_pairs_similar_lines() -> None:
    (hunk,) = diff_hunks(["    response = asyncio.run(self.router.arun(message))"],
                         ["    response = self.router.run(message, stream=False)"])
    removed, added = hunk.lines
    assert removed.spans and added.spans
    assert "arun" in "".join(removed.text[a:b] for a, b in removed.spans)
    (unrelated,) = diff_hunks(["x = compute_something_long(a, b, c)"], ["yield from other()"])
    assert all(not line.spans for line in unrelated.lines)


def test_hunk_positions_for_insertions() -> None:
    (hunk,) = diff_hunks(["a", "b", "c"], ["a", "b", "new", "c"])
    assert isinstance(hunk, Hunk) and hunk.positions() == {2, 3}


# -- the steps the engine records ----------------------------------------------------------


class AddTimeoutRule(Rule):
    """Insert ``TIMEOUT = 10`` before every function of the module (a rewrite that adds lines)."""

    code = "TST006"
    name = "test-add-timeout"
    summary = "adds TIMEOUT = 10"
    triggers = ("def ",)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
                          ) -> cst.FlattenSentinel[cst.BaseStatement]:
        self.report(original_node, "adds TIMEOUT = 10")
        return cst.FlattenSentinel([cst.parse_statement("TIMEOUT = 10\n"), updated_node])


class AwaitAtTopRule(Rule):
    """Rewrite ``pass`` at module level into ``await nothing()``: breaks the file (the verifier takes it back)."""

    code = "TST007"
    name = "test-await-at-top"
    summary = "pass -> await nothing()"
    triggers = ("pass",)

    def leave_Pass(self, original_node: cst.Pass, updated_node: cst.Pass) -> cst.BaseSmallStatement:
        self.report(original_node, "pass -> await nothing()")
        return cst.Expr(cst.parse_expression("await nothing()"))


# Four rules change this file: TST006 inserts a line before each def, TST005 removes line 1,
# TST001 rewrites lines 6 and 10, TST002 renames on lines 2 and 10.
CHAIN_SOURCE = '''import asyncio
from agno.workflow import RunResponse, RunResponseContentEvent


def route(agent, message):
    return asyncio.run(agent.arun(message))


def stream(agent):
    yield RunResponseContentEvent(content=asyncio.run(agent.arun("x")))
'''
CHAIN_RULES: List[Type[Rule]] = [AddTimeoutRule, DropImportRule, ArunRule, RenameEventRule]


def test_the_engine_records_the_code_after_each_rule_that_changed_the_file() -> None:
    result = migrate_source(CHAIN_SOURCE.encode(), CHAIN_RULES, "m.py", record_steps=True)
    assert result.steps is not None and list(result.steps) == ["TST006", "TST005", "TST001", "TST002"]
    assert list(result.steps.values())[-1].encode() == result.migrated
    assert "TIMEOUT = 10" in result.steps["TST006"] and "import asyncio" in result.steps["TST006"]
    assert "import asyncio" not in result.steps["TST005"]
    # A plain run records nothing; neither does a run that changes nothing.
    assert migrate_source(CHAIN_SOURCE.encode(), CHAIN_RULES, "m.py").steps is None
    clean = migrate_source(b"def f():\n    return 1\n", [ArunRule], "m.py", record_steps=True)
    assert not clean.changed and not clean.steps


def test_review_lines_are_labelled_when_several_rules_change_one_file() -> None:
    result = migrate_source(CHAIN_SOURCE.encode(), CHAIN_RULES, "m.py", record_steps=True)
    # The engine maps each finding to the original line, through the rules before it.
    assert sorted((f.line, f.code) for f in result.findings) == [
        (2, "TST002"), (5, "TST006"), (6, "TST001"), (9, "TST006"), (10, "TST001"), (10, "TST002")]
    review = build_review([result], CHAIN_RULES, ["m.py"])
    changed = [(line.kind, line.old if line.kind == "-" else line.new, line.text.strip(), line.rules)
               for hunk in review.files[0].hunks for line in hunk.lines if line.kind != " "]
    assert changed == [
        ("-", 1, "import asyncio", ["TST005"]),
        ("-", 2, "from agno.workflow import RunResponse, RunResponseContentEvent", ["TST002"]),
        ("+", 1, "from agno.workflow import RunResponse, RunResponse", ["TST002"]),
        ("+", 2, "TIMEOUT = 10", ["TST006"]),
        ("-", 6, "return asyncio.run(agent.arun(message))", ["TST001"]),
        ("+", 6, "return agent.run(message)", ["TST001"]),
        ("+", 7, "TIMEOUT = 10", ["TST006"]),
        ("-", 10, 'yield RunResponseContentEvent(content=asyncio.run(agent.arun("x")))', ["TST001", "TST002"]),
        ("+", 11, 'yield RunResponse(content=agent.run("x"))', ["TST001", "TST002"]),
    ]
    assert [hunk.labels for hunk in review.files[0].hunks] == [["TST006", "TST005", "TST001", "TST002"]]
    assert review.totals["unlabelled"] == 0


def test_the_review_runs_no_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """The review is built from the recorded steps: no rule, no parse, no rule chain runs again."""
    result = migrate_source(CHAIN_SOURCE.encode(), CHAIN_RULES, "m.py", record_steps=True)
    expected = build_review([result], CHAIN_RULES, ["m.py"])

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the review ran a rule again")

    monkeypatch.setattr(Rule, "transform_module", must_not_run)
    monkeypatch.setattr(engine, "rule_steps", must_not_run)
    monkeypatch.setattr(engine, "migrate_source", must_not_run)
    monkeypatch.setattr(cst, "parse_module", must_not_run)
    review = build_review([result], CHAIN_RULES, ["m.py"])
    assert review_html(review) == review_html(expected) and review_markdown(review) == review_markdown(expected)
    assert all(line.rules for hunk in review.files[0].hunks for line in hunk.lines if line.kind != " ")


def test_steps_follow_the_verifier_and_suppressions() -> None:
    """When the verifier or a suppression leaves a rule out, the steps are those of what is kept."""
    source = "import asyncio\npass\nx = asyncio.run(agent.arun(1))\n"
    result = migrate_source(source.encode(), [ArunRule, AwaitAtTopRule], "m.py", record_steps=True)
    assert any(f.code == engine.VERIFIER_CODE and "TST007 not applied" in f.message for f in result.findings)
    assert result.steps is not None and list(result.steps) == ["TST001"]
    assert result.steps["TST001"].encode() == result.migrated
    suppressed = "# agno-migrate: ignore-file[TST005]\nimport asyncio\nx = asyncio.run(agent.arun(1))\n"
    result = migrate_source(suppressed.encode(), [DropImportRule, ArunRule], "m.py", record_steps=True)
    assert result.steps is not None and list(result.steps) == ["TST001"]
    assert result.steps["TST001"].encode() == result.migrated


def test_only_a_review_run_records_steps_also_in_worker_processes(test_rules, tmp_path: Path) -> None:
    legacy = copy_legacy(tmp_path)
    for jobs in (1, 2):
        plain = engine.run([str(legacy)], TEST_RULES, write=False, jobs=jobs)
        assert all(r.steps is None for r in plain)
        recorded = engine.run([str(legacy)], TEST_RULES, write=False, jobs=jobs, record_steps=True)
        assert [r.path for r in recorded if r.steps] == [r.path for r in recorded if r.changed] != []
        for r in recorded:
            if r.steps:
                assert list(r.steps.values())[-1].encode() == r.migrated


@pytest.mark.parametrize("separator", ["\u2028", "\x0c", "\x1c", "\x85"])
def test_findings_map_to_original_lines_across_other_line_breaks(separator: str) -> None:
    """Python counts lines at \\n, \\r\\n and \\r only; a form feed or U+2028 in a string is not a
    line break (``str.splitlines`` split there and put a later rule's finding one line up)."""
    source = f's = "a{separator}b"\nimport asyncio\nx = asyncio.run(agent.arun(1))\n'
    result = migrate_source(source.encode(), [DropImportRule, ArunRule], "m.py", record_steps=True)
    assert [(f.code, f.line) for f in result.findings] == [("TST001", 3)]
    review = build_review([result], [DropImportRule, ArunRule], ["m.py"])
    marks = [(line.kind, line.old, line.rules) for hunk in review.files[0].hunks for line in hunk.lines
             if line.kind == "-"]
    assert marks == [("-", 2, ["TST005"]), ("-", 3, ["TST001"])]


# -- HTML and Markdown ----------------------------------------------------------------


@pytest.fixture
def legacy_review(test_rules, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    copy_legacy(tmp_path)
    monkeypatch.chdir(tmp_path)
    results = engine.run(["legacy"], TEST_RULES, write=False, record_steps=True)
    return build_review(results, TEST_RULES, ["legacy"])


def test_html_is_self_contained(legacy_review) -> None:
    page = review_html(legacy_review)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<style>" in page
    lowered = page.lower()
    for forbidden in ("<script", "<link", "<img", "<iframe", "@import", "url(", "src=", "http://", "https://"):
        assert forbidden not in lowered, forbidden
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', page))


def test_html_structure(legacy_review) -> None:
    page = review_html(legacy_review)
    totals, rules_at, files_at = page.index('id="totals"'), page.index('id="rules"'), page.index('id="files"')
    assert totals < rules_at < page.index('id="left-alone"') < files_at
    for rule in TEST_RULES:
        assert f'data-code="{rule.code}"' in page
        assert rule.summary.replace(">", "&gt;") in page
    assert "legacy/financial_assistant/workflow.py" in page
    assert page.count('class="hunk"') == legacy_review.totals["hunks"]
    assert '<tr class="del">' in page and '<tr class="add">' in page


def test_markdown(legacy_review) -> None:
    text = review_markdown(legacy_review)
    assert text.startswith("## agno-migrate review\n")
    assert "| Rule | Name | Why | Fixes | Left alone | Files |" in text
    assert "| `TST002` | `test-rename-event` | RunResponseContentEvent -> RunResponse | 12 |" in text
    assert text.count("```diff\n") == legacy_review.totals["hunks"]
    assert "**TST001** — asyncio.run(x.arun(...)) -> x.run(...)" in text
    assert "<details open><summary><code>legacy/financial_assistant/workflow.py</code>" in text
    # A diff line containing a code fence gets a longer fence.
    assert "````" not in text


def test_markdown_size_limit(legacy_review) -> None:
    full = review_markdown(legacy_review)
    short = review_markdown(legacy_review, max_chars=2500)
    assert len(short) < 3000 < len(full)
    assert "left out to fit the comment size limit" in short
    assert "| `TST001` |" in short  # the rule table is always complete


# -- the CLI command ----------------------------------------------------------------------


def test_review_command_writes_html_and_touches_nothing(legacy_review, tmp_path: Path) -> None:
    before = (tmp_path / "legacy" / "financial_assistant" / "workflow.py").read_bytes()
    result = CliRunner().invoke(main, ["review", "legacy", "-o", "report.html"])
    assert result.exit_code == 0, result.output
    assert "wrote report.html: 6 file(s) checked, 1 would change" in result.stderr
    page = (tmp_path / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "TST001" in page
    assert (tmp_path / "legacy" / "financial_assistant" / "workflow.py").read_bytes() == before


def test_review_markdown_to_stdout_and_by_suffix(legacy_review, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["review", "--format", "markdown", "legacy"])
    assert result.exit_code == 0 and result.stdout.startswith("## agno-migrate review")
    CliRunner().invoke(main, ["review", "legacy", "-o", "comment.md"])
    assert (tmp_path / "comment.md").read_text().startswith("## agno-migrate review")


def test_review_select_and_errors(legacy_review, tmp_path: Path) -> None:
    write(tmp_path / "legacy" / "broken.py", BROKEN_SOURCE)
    result = CliRunner().invoke(main, ["review", "--select", "TST001", "legacy", "-o", "r.html"])
    assert result.exit_code == 2 and "syntax error" in result.stderr
    page = (tmp_path / "r.html").read_text()
    assert 'data-codes="TST001"' in page and 'data-codes="TST002"' not in page
    assert "broken.py" in page


def test_review_with_the_real_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever rules exist today: every hunk of the legacy example gets a label."""
    copy_legacy(tmp_path)
    monkeypatch.chdir(tmp_path)
    rules = select_rules()  # the default target's rules (agno 3's run only with --target agno3)
    results = engine.run(["legacy"], rules, write=False, record_steps=True)
    review = build_review(results, rules, ["legacy"])
    page = review_html(review)
    assert page.startswith("<!DOCTYPE html>")
    for file in review.changed:
        for hunk in file.hunks:
            assert hunk.labels, f"{file.path} {hunk.header} has no label"
            assert f'data-codes="{" ".join(hunk.labels)}"' in page
    for file in review.changed:  # the recorded steps mark the changed lines
        changed = [line for hunk in file.hunks for line in hunk.lines if line.kind != " "]
        marked = [line for line in changed if line.rules]
        assert len(marked) >= 0.9 * len(changed), f"{file.path}: {len(marked)}/{len(changed)} lines marked"
    fixed_codes = {f.code for r in results for f in r.findings if f.fixed and r.changed}
    labelled = {code for file in review.files for hunk in file.hunks for code in hunk.labels}
    assert fixed_codes <= labelled | {f.code for file in review.files for f in file.unplaced}


# -- a real browser ---------------------------------------------------------------------

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> Optional[str]:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    found = find_chromium()
    if found:
        return found
    script = REPO / "scripts" / "install-chromium"
    try:
        proc = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=900)
        log = (proc.stdout + proc.stderr).strip()
    except (OSError, subprocess.TimeoutExpired) as exc:
        log = str(exc)
    found = find_chromium()
    if not found:
        pytest.skip(f"Chromium is not installed and scripts/install-chromium could not install it: {log}")
    return found


def run_chromium(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--hide-scrollbars", f"--user-data-dir={profile}", *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


def png_top_rows(data: bytes, max_rows: int) -> Tuple[int, int, List[bytes], int]:
    """Decode the first ``max_rows`` rows of an 8-bit RGB/RGBA, non-interlaced PNG.

    Returns ``(width, height, rows, channels)``; rows are unfiltered pixel bytes.
    """
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat = 8, []
    width = height = channels = 0
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    stride = width * channels
    wanted = min(max_rows, height) * (stride + 1)
    raw = zlib.decompressobj().decompress(b"".join(idat), wanted)
    rows: List[bytes] = []
    previous = bytearray(stride)
    for index in range(len(raw) // (stride + 1)):
        filter_type = raw[index * (stride + 1)]
        line = bytearray(raw[index * (stride + 1) + 1:(index + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            if filter_type == 1:
                line[i] = (line[i] + left) & 0xFF
            elif filter_type == 2:
                line[i] = (line[i] + up) & 0xFF
            elif filter_type == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
            elif filter_type == 4:
                upper_left = previous[i - channels] if i >= channels else 0
                estimate = left + up - upper_left
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - upper_left)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else upper_left)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows, channels


class LabelParser(html.parser.HTMLParser):
    """Collects the ``data-codes`` of every hunk label and the rule table codes."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: List[str] = []
        self.rule_rows: List[str] = []
        self.classes: Dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        values = dict(attrs)
        for cls in (values.get("class") or "").split():
            self.classes[cls] = self.classes.get(cls, 0) + 1
        if "label" in (values.get("class") or "").split():
            self.labels.append(values.get("data-codes") or "")
        if tag == "tr" and values.get("data-code"):
            self.rule_rows.append(values["data-code"] or "")


def test_report_renders_in_a_real_browser(chromium: str, legacy_review, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["review", "legacy", "-o", "report.html"])
    assert result.exit_code == 0, result.output
    report = tmp_path / "report.html"
    url = report.resolve().as_uri()

    # What the browser parsed: every hunk label, in order, and the rule table.
    dom = run_chromium(chromium, tmp_path / "profile-dom", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    parser = LabelParser()
    parser.feed(dom.stdout)
    expected = [" ".join(hunk.labels) for file in legacy_review.files for hunk in file.hunks]
    assert parser.labels == expected and len(expected) >= 3
    assert parser.labels[1] == "TST001 TST002"
    assert parser.rule_rows == ["TST001", "TST002", "TST003"]
    assert parser.classes.get("add", 0) > 5 and parser.classes.get("del", 0) > 5

    # A screenshot that is not blank: the dark header, colored cards and diff rows.
    shot = tmp_path / "report.png"
    proc = run_chromium(chromium, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2000", url)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 20_000
    width, height, rows, channels = png_top_rows(shot.read_bytes(), max_rows=260)
    assert (width, height) == (1280, 2000)
    pixels = [row[i:i + 3] for row in rows for i in range(0, len(row), channels * 2)]
    colors = set(pixels)
    non_white = sum(1 for p in pixels if p != b"\xff\xff\xff")
    assert len(colors) > 50, f"only {len(colors)} colors"
    assert non_white > len(pixels) // 4
    dark = sum(1 for p in pixels if max(p) < 80)  # the header band (#24292f)
    assert dark > len(pixels) // 20
    keep = os.environ.get("AGNO_MIGRATE_KEEP_SCREENSHOT")
    if keep:
        shutil.copy(shot, keep)


def test_review_marks_unsafe_hunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With --unsafe-fixes, hunks holding a fix that can change behaviour say so (HTML and markdown);
    without it those fixes are not made and no hunk is marked."""
    copy_legacy(tmp_path)
    monkeypatch.chdir(tmp_path)
    rules = select_rules()
    for unsafe in (True, False):
        options = {"unsafe_fixes": unsafe}
        results = engine.run(["legacy"], rules, write=False, options=options, record_steps=True)
        review = build_review(results, rules, ["legacy"])
        marked = [h for f in review.files for h in f.hunks if h.unsafe]
        unsafe_codes = {f.code for h in marked for f in h.findings if f.applicability == "unsafe"}
        page, text = review_html(review), review_markdown(review)
        if unsafe:
            assert {"AGM005", "AGM006"} <= unsafe_codes
            assert page.count('class="badge unsafe"') == len(marked) and "**unsafe fix**" in text
        else:
            assert not marked and 'class="badge unsafe"' not in page
