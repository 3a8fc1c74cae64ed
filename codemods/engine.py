"""The engine: find files, run the selected rules on each, write results safely.

It knows nothing about particular rules.  For one file it

1. reads the bytes of regular files only (not FIFOs or devices) and refuses
   binary content;
2. skips the file without parsing it when no selected rule's prefilter
   (:mod:`codemods.prefilter`) says it may apply: most files of a codebase
   are clean, and a run that finds nothing to parse never imports LibCST;
3. parses it once with LibCST (which honours encoding cookies and BOMs) and
   runs the triggered rules in registry order, each on the previous one's
   output; a file nothing changed is handed back as read, and a changed file
   whose unchanged parts LibCST cannot reproduce byte for byte (form feeds,
   CR-only newlines) is refused rather than altered;
4. maps every finding back to a line of the *original* file, so ``check``
   reports the lines a user sees in their editor (:class:`codemods.lines.LineMap`,
   which the review's line labels use too);
5. in ``apply`` mode, writes the new bytes atomically (temporary file in the
   same directory, ``fsync``, ``os.replace``) keeping the file's mode, owner,
   group and extended attributes, only if the file still holds the bytes that
   were read, and never writes through a symbolic link, to a file with
   several hard links or to a read-only file (also when running as root).
   Directory walks follow no symbolic link, and a path reached through one
   is refused.

A file is checked against :mod:`codemods.limits` before LibCST parses it,
and big files (every file with ``-j N``) are parsed in supervised worker
processes (:mod:`codemods.workers`): one pathological file costs one error.
Files are written by the main process only, after every file was migrated.
"""

from __future__ import annotations

import ast
import fnmatch
import functools
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import (TYPE_CHECKING, Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence,
                    Set, Tuple, Type)

from codemods import limits, prefilter, suppress, target, verify
from codemods.finding import OPTIONS_KEY, SAFE, Finding
from codemods.lines import LineMap, source_lines
from codemods.rules import RuleRef, load_rules

if TYPE_CHECKING:  # LibCST is imported when a file needs parsing, not before
    import libcst as cst
    from libcst.codemod import CodemodContext

    from codemods import agent_callables
    from codemods.rule import Rule

DEFAULT_EXCLUDES = (
    ".git",
    ".hg",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".nox",
    "node_modules",
    "build",
    "dist",
    ".mypy_cache",
    ".pytest_cache",
)


@dataclass
class FileResult:
    """What happened to one file."""

    path: str
    findings: List[Finding] = field(default_factory=list)
    #: The bytes as read, and as migrated; :func:`run` drops both (None) for a file no rule may
    #: apply to and with nothing to report, so a run keeps only what it reports.
    original: Optional[bytes] = None
    migrated: Optional[bytes] = None
    error: Optional[str] = None
    written: bool = False
    #: Methods the migration removed or made (a)sync: other files may use them.
    changed_methods: List[verify.ChangedMethod] = field(default_factory=list)
    #: None, unless the run records steps (``record_steps``, for ``review``): then, for a
    #: file the migration changes, rule code -> the code after that rule, for each rule
    #: that changed it, in order, ending in ``migrated``; empty for any other file.
    steps: Optional[Dict[str, str]] = None

    @property
    def changed(self) -> bool:
        return self.migrated is not None and self.original is not None and self.migrated != self.original


class MigrationError(Exception):
    """A file could not be migrated; the message says why, for a human."""


def migrate_source(
    source: bytes,
    rules: Sequence[RuleRef],
    path: str = "<string>",
    options: Optional[Mapping[str, Any]] = None,
    *,
    record_steps: bool = False,
) -> FileResult:
    """Run ``rules`` (classes or codes) over ``source``; never raises for bad input.

    Returns a :class:`FileResult` whose ``migrated`` holds the new bytes (equal
    to the input when nothing changed) or whose ``error`` says why the file
    could not be processed.  ``options`` (e.g. ``{"name_map": {...}}`` from
    the user's configuration) reach every rule as ``Rule.options``, with
    ``selected_rules`` (the codes running on this file) added.  With
    ``record_steps``, the result keeps the code after each rule that changed
    it (:attr:`FileResult.steps`, what the review labels lines with).
    """
    result = FileResult(path=path, original=source, steps={} if record_steps else None)
    triggered = prefilter_source(result, rules, trigger_checks(rules, options))
    if not triggered:
        return _unused_suppressions(result)
    return migrate_file(result, load_rules(triggered), load_rules(rules), options)


def migrate_file(
    result: FileResult,
    triggered: Sequence[Type[Rule]],
    selected: Sequence[Type[Rule]],
    options: Optional[Mapping[str, Any]],
) -> FileResult:
    """Migrate one prefiltered file, honouring its suppression comments (:mod:`codemods.suppress`).

    A rule under ``ignore-file`` does not run.  A rule whose fix lands on a line
    suppressed for it is left out of the file (with the rules that require it):
    its other fixes there become ``[left alone]`` findings naming the
    suppressed line.  Findings on suppressed lines are dropped, and a
    suppression that matched nothing is reported (:data:`suppress.UNUSED_CODE`).
    """
    from codemods.rules import dependents

    marks = suppress.parse(result.original or b"")
    if not marks:
        return _parse_and_migrate(result, triggered, selected, options)
    left_out = {rule.code for rule in triggered if marks.covers_file(rule.code)}
    for code in list(left_out):
        left_out |= dependents(code)
    hits: Dict[int, set] = {}
    lost: List[Finding] = []  # fixes of rules left out because of a suppressed line
    while True:
        kept = [rule for rule in triggered if rule.code not in left_out]
        attempt = _fresh(result)
        running = [rule for rule in selected if rule.code not in left_out]
        migrated = _parse_and_migrate(attempt, kept, running, options) if kept else attempt
        if migrated.migrated is None and migrated.error is None:
            migrated.migrated = migrated.original
        if migrated.error is not None:
            return migrated
        for finding in migrated.findings:
            if marks.covers_line(finding.line, finding.code):
                hits.setdefault(finding.line, set()).add(finding.code)
        blocked = {f.code: f.line for f in migrated.findings if f.fixed and marks.covers_line(f.line, f.code)}
        if not blocked:
            break
        for code, line in blocked.items():
            dropping = {code} | dependents(code)
            left_out |= dropping
            lost += [replace(f, fixed=False, applicability=SAFE, message=suppress.suppressed_fix_message(code, line)
                             + f" (the fix here: {f.message})")
                     for f in migrated.findings if f.fixed and f.code in dropping
                     and not marks.covers_line(f.line, f.code)]
    findings = [f for f in migrated.findings if not marks.covers_line(f.line, f.code)]
    findings += [f for f in lost if not any(g.line == f.line and g.code == f.code and not g.fixed for g in findings)]
    migrated.findings = sorted(findings + _unused(result.path, marks, hits, triggered),
                               key=lambda f: (f.line, f.column, f.code))
    return migrated


def _fresh(result: FileResult) -> FileResult:
    """A new attempt at migrating ``result``'s file (recording steps if ``result`` does)."""
    return FileResult(path=result.path, original=result.original, steps=None if result.steps is None else {})


def _unused(path: str, marks: suppress.Suppressions, hits: Mapping[int, set],
            triggered: Sequence[Any]) -> List[Finding]:
    """Findings for the suppression comments that suppressed nothing."""
    unused = [Finding(path=path, line=line, column=1, code=suppress.UNUSED_CODE, fixed=False,
                      message=suppress.unused_message("ignore", codes))
              for line, codes in sorted(marks.lines.items())
              if not (hits.get(line) and (codes == suppress.ALL or codes & hits[line]))]
    codes = {getattr(rule, "code", rule) for rule in triggered}
    if marks.file_codes and not (marks.file_codes == suppress.ALL and codes or marks.file_codes & codes):
        unused.append(Finding(path=path, line=marks.file_line, column=1, code=suppress.UNUSED_CODE, fixed=False,
                              message=suppress.unused_message("ignore-file", marks.file_codes)))
    return unused


def _unused_suppressions(result: FileResult) -> FileResult:
    """A file no rule may apply to: every suppression comment in it is unused."""
    if result.error is None and suppress.MARKER.encode() in (result.original or b""):
        marks = suppress.parse(result.original or b"")
        result.findings = _unused(result.path, marks, {}, [])
    return result


def prefilter_source(result: FileResult, rules: Sequence[RuleRef], checks: Sequence[TriggerCheck]) -> List[RuleRef]:
    """The ``rules`` whose ``checks`` pass on ``result.original`` (no LibCST needed).

    When there are none, ``result`` is settled: unchanged, or refused as binary.
    """
    source = result.original or b""
    if b"\x00" in source:
        result.error = "binary file (contains NUL bytes), not Python source"
        return []
    triggered = triggered_rules(source, rules, checks)
    if not triggered:
        result.migrated = source
    return triggered


#: A rule's prefilter: ``(a string its files contain, the check itself)``.
TriggerCheck = Tuple[str, Callable[[str], bool]]


def trigger_checks(rules: Sequence[RuleRef], options: Optional[Mapping[str, Any]] = None) -> List[TriggerCheck]:
    """Each rule's prefilter for a run with ``options`` (None: whatever the options, the widest
    check); a rule given by a code in :func:`prefilter.rule_checks` is not imported."""
    table = prefilter.RULE_CHECKS if options is None else prefilter.rule_checks(options)
    return [
        table[rule] if isinstance(rule, str) and rule in table
        else ("", load_rules([rule])[0].is_triggered_by)
        for rule in rules
    ]


def triggered_rules(source: bytes, rules: Sequence[RuleRef],
                    checks: Optional[Sequence[TriggerCheck]] = None) -> List[RuleRef]:
    """The rules whose prefilter says they may apply to ``source``.

    Each distinct key string of ``checks`` (default: the rules' own) is looked
    up once, and a rule's check runs only when its key occurs.
    """
    present: Dict[str, bool] = {}
    triggered = []
    text: Optional[str] = None  # decoded only once a key occurs (most files have none)
    for rule, (key, check) in zip(rules, checks or trigger_checks(rules)):
        found = present.get(key)
        if found is None:
            found = present[key] = key.encode("latin-1") in source
        if found:
            if text is None:
                text = _prefilter_text(source)
            if check(text):
                triggered.append(rule)
    return triggered


def _parse_and_migrate(
    result: FileResult,
    triggered: Sequence[Type[Rule]],
    selected: Sequence[Type[Rule]],
    options: Optional[Mapping[str, Any]],
) -> FileResult:
    """Parse ``result.original`` and run the ``triggered`` rules (of the ``selected`` ones) on it."""
    source = result.original or b""
    path = result.path
    too_big = limits.precheck(source)
    if too_big is not None:
        result.error = too_big
        return result
    import libcst as cst

    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        result.error = _syntax_error_message(source, exc)
        return result
    except (UnicodeDecodeError, LookupError, SyntaxError) as exc:
        result.error = f"cannot decode: {exc}"
        return result
    except RecursionError:
        result.error = "too deeply nested for LibCST to parse; left unchanged"
        return result
    try:
        migrated = _run_rules(result, module, triggered, selected, path, options, analysis=_analysis(module))
    except RecursionError:
        # LibCST's code generation recurses per nesting level: one pathological
        # file must not abort the run.
        return FileResult(path=path, original=source,
                          error="too deeply nested for LibCST to rewrite; left unchanged")
    except UnicodeEncodeError as exc:
        # A name from the configuration (name-map) the file's encoding cannot hold.
        bad = exc.object[exc.start:exc.end] if isinstance(exc.object, str) else ""
        return FileResult(path=path, original=source,
                          error=f"the migration cannot be written in the file's encoding ({exc.encoding}): "
                                f"{bad!r} is not representable; left unchanged")
    if migrated.changed and migrated.error is None and migrated.migrated is not None:
        migrated.migrated = keep_crlf(source, migrated.migrated)
    return migrated


def keep_crlf(original: bytes, migrated: bytes) -> bytes:
    """``migrated`` with CRLF line endings when ``original`` used only CRLF.

    Rules generate lines with LF; a file whose every line ends in CRLF keeps
    CRLF everywhere (in a string literal too, Python reads CRLF as LF).
    """
    crlf = original.count(b"\r\n")
    if crlf == 0 or crlf != original.count(b"\n"):
        return migrated
    return re.sub(rb"(?<!\r)\n", b"\r\n", migrated)


def _run_rules(
    result: FileResult,
    module: cst.Module,
    triggered: Sequence[Type[Rule]],
    rules: Sequence[Type[Rule]],
    path: str,
    options: Optional[Mapping[str, Any]],
    *,
    analysis: Any,
    fall_back: bool = True,
    excluded: Sequence[str] = (),
) -> FileResult:
    """Run the ``triggered`` rules on ``module``, verify the result (see :mod:`codemods.verify`).

    A rule of ``rules`` the original did not trigger still runs when an earlier
    rule's output triggers it (AGM314 on the ``await agent.arun(...)`` of an
    async twin AGM007 generated), unless it is ``excluded`` (left out by the
    fallback below).

    When the rewrite breaks an invariant, the engine looks for the largest
    set of the rules that changed something whose result verifies (dropping one
    rule, with the rules that require it, at a time: see
    :func:`_verified_without`); failing that, it takes every rewrite back.
    """
    from codemods.rule import Rule

    source = result.original or b""
    parsed = module
    current_code = parsed_code = module.code  # code generated once per module version
    lines = LineMap(source_lines(current_code))  # current line -> original
    recorded: Dict[str, str] = {}  # rule code -> the code after it, for the rules that changed it
    late = [rule for rule in rules if rule not in triggered and rule.code not in excluded]
    steps = rule_steps(module, triggered, path, options, selected=rules, analysis=analysis, late=late)
    changed_by: List[str] = []  # the rules that rewrote something, in order
    last = module  # what the previous rule handed on
    while True:
        try:
            step = next(steps)
        except StopIteration:
            break
        except Exception as exc:  # a rule bug must not take the whole run down
            failing = getattr(exc, "agno_migrate_rule", "a rule")
            result.error = f"{failing} failed: {type(exc).__name__}: {exc}"
            return result
        rule, context, new_module = step
        for finding in Rule.findings_of(context):
            result.findings.append(replace(finding, path=path, line=lines.original(finding.line)))
        if new_module is last:  # a rule that changed nothing hands back its input
            continue
        last = new_module
        new_code = new_module.code  # generated once per changed step
        if new_code != current_code:
            changed_by.append(rule.code)
            lines.advance(source_lines(new_code), rule.code)
            if result.steps is not None:
                recorded[rule.code] = new_code
            current_code = new_code
            module = new_module
    if module is parsed:
        # Nothing changed: hand back the input itself, not LibCST's rendering of
        # it, which is not always byte-identical (form feeds, CR-only newlines).
        result.migrated = source
    elif parsed_code.encode(parsed.encoding) != source:  # = parsed.bytes
        result.findings = []
        result.error = ("not rewritten: LibCST does not reproduce this file byte for byte "
                        "(form feeds or CR-only line endings?); migrate it by hand")
        return result
    else:
        version = target.of(options or {})
        violations = [replace(v, line=lines.original(v.line))
                      for v in verify.new_violations(parsed_code, current_code, path, version)]
        fallback = None
        if violations and fall_back:
            fallback = _verified_without(result, parsed, triggered, rules, path, options, changed_by, violations,
                                         analysis)
        if fallback is not None:
            return fallback
        if violations:
            _take_back(result, ", ".join(dict.fromkeys(changed_by)),
                       [(v.line, f"{v.invariant}: {v.message}") for v in violations], "it", triggered)
        else:
            result.migrated = current_code.encode(module.encoding)
            result.changed_methods = verify.changed_methods(parsed_code, current_code)
            if result.steps is not None:
                result.steps = recorded
    result.findings = _without_repeated_leftovers(result.findings, triggered)
    result.findings.sort(key=lambda f: (f.line, f.column, f.code))
    return result


#: The code of the findings by which the engine reports a rewrite it took back.
VERIFIER_CODE = "AGM100"


def _verified_without(
    result: FileResult,
    parsed: cst.Module,
    triggered: Sequence[Type[Rule]],
    selected: Sequence[Type[Rule]],
    path: str,
    options: Optional[Mapping[str, Any]],
    changed_by: Sequence[str],
    violations: Sequence[verify.Violation],
    analysis: Any,
) -> Optional[FileResult]:
    """The migration without the fewest rules whose result verifies, or None.

    Each candidate leaves out one rule that changed something, together with
    the rules that require it (:data:`codemods.rules.REQUIRES`): fewest rules
    left out first, later rules first among equals.  The rules left out are
    reported (AGM100) with the invariants the whole migration would break,
    and their own ``[left alone]`` findings are kept.
    """
    from codemods.rules import dependents

    candidates = []
    for code in reversed(list(dict.fromkeys(changed_by))):
        left_out = {code} | dependents(code)
        if any(rule.code == code and rule.reports_leftovers for rule in triggered):
            continue
        candidates.append(left_out)
    candidates.sort(key=len)  # stable: later rules first among sets of one size
    for left_out in candidates:
        kept_rules = [rule for rule in triggered if rule.code not in left_out]
        trial = _run_rules(_fresh(result), parsed, kept_rules, selected,
                           path, options, fall_back=False, analysis=analysis, excluded=tuple(left_out))
        # An unchanged result counts: on code an earlier run already migrated this
        # way, it is that run's choice again (applying twice == applying once).
        if trial.error is not None or any(f.code == VERIFIER_CODE for f in trial.findings):
            continue
        dropped = ", ".join(sorted(left_out & set(changed_by)))
        notes = [f for f in result.findings if not f.fixed and f.code in left_out]
        for violation in violations:
            notes.append(Finding(
                path=path, line=violation.line, column=1, code=VERIFIER_CODE, fixed=False,
                message=f"{dropped} not applied to this file: with it the rewrite would break the file "
                        f"({violation.invariant}: {violation.message}); the other rules' rewrites are kept",
            ))
        trial.findings = sorted(_without_repeated_leftovers(trial.findings + notes, triggered),
                                key=lambda f: (f.line, f.column, f.code))
        return trial
    return None


def _take_back(result: FileResult, rules: str, reasons: Sequence[Tuple[int, str]], where: str,
               reporters: Sequence[Type[Rule]]) -> None:
    """Leave the file as it was: with the rewrites by ``rules`` it would break.

    ``reasons`` are ``(line of the original, why)``; ``where`` says what
    would break ("it", "another file of the run").  The rules' fixes are not
    reported (nothing is written); what they left alone still is, each reason
    becomes a ``[left alone]`` finding, and the rules that only report
    (AGM009, among ``reporters``) look at the original text again.
    """
    result.migrated = result.original
    result.changed_methods = []
    if result.steps is not None:
        result.steps = {}
    kept = [f for f in result.findings if not f.fixed and not _reports_leftovers(f.code, reporters)]
    for line, reason in reasons:
        kept.append(Finding(
            path=result.path, line=line, column=1, code=VERIFIER_CODE, fixed=False,
            message=f"file left unchanged: the rewrite by {rules} would break {where} ({reason})",
        ))
    result.findings = sorted(_without_repeated_leftovers(kept + _leftovers(result, reporters), reporters),
                             key=lambda f: (f.line, f.column, f.code))


def _leftovers(result: FileResult, triggered: Sequence[Type[Rule]]) -> List[Finding]:
    """What the leftover-reporting rules (AGM009) find in the file as it was read."""
    text = (result.original or b"").decode("utf-8", "replace")
    return [finding for rule in triggered if rule.reports_leftovers
            for finding in rule.leftover_findings(result.path, text)]


def _check_other_files(result: FileResult, every_text: Callable[[], Mapping[str, str]],
                       selected: Sequence[Type[Rule]]) -> None:
    """Take back ``result``'s migration when another file of the run may use a method it removed or made (a)sync.

    Each file is migrated alone; a subclass, caller or override in another
    module would keep using the old method (see :func:`verify.uses_elsewhere`).
    ``every_text()`` gives the files as read (a use the other file's own
    migration would rewrite still counts: the safe side); it is asked only
    when the migration changed a method or calls a relatively imported
    function from async code.
    """
    if not (result.changed and result.error is None):
        return
    reasons: List[Tuple[int, str]] = []
    for method in result.changed_methods:
        for other, text in every_text().items():
            if other != result.path:
                reasons += [(_anchor(result, method.name), f"renamed-in-use: {method.owner}.{method.name}() "
                             f"{method.change}, but {other}:{line} may still use it")
                            for line in verify.uses_elsewhere(method, text)[:1]]
    reasons += _loops_in_imported_functions(result, every_text)
    reasons += _overridden_twin_sources(result, every_text)
    reasons += _item_types_checked_elsewhere(result, every_text)
    reasons += _removed_names_imported_elsewhere(result, every_text)
    reasons += _agents_changed_elsewhere(result, every_text)
    if reasons:
        rules = ", ".join(sorted({f.code for f in result.findings if f.fixed}))
        _take_back(result, rules, [(line, f"{reason}; migrate them together by hand") for line, reason in reasons],
                   "another file of the run", selected)


_EVENT_TYPE_CHECK = re.compile(r"\b(?:isinstance|issubclass)\([^()]*(?:\([^()]*\)[^()]*)*\bRunResponseContentEvent\b")


def _item_types_checked_elsewhere(result: FileResult,
                                  every_text: Callable[[], Mapping[str, str]]) -> List[Tuple[int, str]]:
    """AGM001 changed what this file's workflows yield (RunResponse, not RunResponseContentEvent)
    while another file of the run that names one of its classes checks items for the old type."""
    if not any(f.code == "AGM001" and f.fixed for f in result.findings):
        return []
    try:
        classes = [node.name for node in ast.parse(result.original or b"").body if isinstance(node, ast.ClassDef)]
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    for other, text in every_text().items():
        if other == result.path or "RunResponseContentEvent" not in text:
            continue
        match = _EVENT_TYPE_CHECK.search(text)
        if match and any(re.search(rf"\b{re.escape(name)}\b", text) for name in classes):
            line = text.count("\n", 0, match.start()) + 1
            return [(_anchor(result, "RunResponseContentEvent"),
                     f"item-type: {other}:{line} checks the items of a workflow of this file for "
                     "RunResponseContentEvent, which AGM001 changes to RunResponse")]
    return []


def _overridden_twin_sources(result: FileResult,
                             every_text: Callable[[], Mapping[str, str]]) -> List[Tuple[int, str]]:
    """A twin generated here (``arun`` of ``run``) that a subclass in another file would
    inherit although it overrides the twin's source: its override would be skipped."""
    original = (result.original or b"").decode("latin-1")
    if "class " not in original:
        return []
    twins = verify.generated_twins(original, (result.migrated or b"").decode("latin-1"))
    reasons = []
    for owner, twin, source in twins:
        for other, text in every_text().items():
            line = verify.overrides_without_twin(owner, twin, source, text) if other != result.path else None
            if line is not None:
                reasons.append((_anchor(result, f"{twin}"), f"renamed-in-use: {owner} gets {twin}() generated from "
                                f"{source}(), but {other}:{line} overrides {source}() in a subclass that would "
                                f"inherit {twin}() without its override"))
                break
    return reasons


def _removed_names_imported_elsewhere(result: FileResult,
                                      every_text: Callable[[], Mapping[str, str]]) -> List[Tuple[int, str]]:
    """Top-level names this file's migration removes (an import AGM001 dropped, a helper AGM003
    deleted) that another file of the run imports from it, by name or with ``import *``."""
    original = (result.original or b"").decode("latin-1")
    removed = verify.removed_exports(original, (result.migrated or b"").decode("latin-1"))
    if not removed:
        return []
    texts = every_text()
    exported_by_star: Optional[Set[str]] = None
    for other, text in texts.items():
        # An importer names the name: in its import, or (through ``import *``) where it uses it.
        if other == result.path or not any(name in text for name in removed):
            continue
        for found in _imports_from(text):
            if not _names_module(other, found.level, found.module, result.path, texts):
                continue
            if found.names == ("*",):  # a star import fails nothing: what matters is a use of the name
                if exported_by_star is None:
                    exported_by_star = verify.star_exports(original, removed)
                used = {name for name in exported_by_star if re.search(rf"\b{name}\b", text)}
            else:
                used = removed & set(found.names)
            if used:
                name = sorted(used)[0]
                return [(_anchor(result, name), f"removed-export: the migration removes {name} from this file, "
                         f"but {other}:{found.line} imports it from here")]
    return []


def _agents_changed_elsewhere(result: FileResult,
                              every_text: Callable[[], Mapping[str, str]]) -> List[Tuple[int, str]]:
    """New sync ``<...>.desk.run()`` calls here while another file of the run gives a ``desk`` a
    callable a sync run may not handle (``flow.desk.add_tool(async_fn)``): the module alone cannot see it."""
    from codemods import agent_callables  # not at start-up: most runs never get here

    before = agent_callables.sync_run_receivers((result.original or b"").decode("latin-1"))
    after = agent_callables.sync_run_receivers((result.migrated or b"").decode("latin-1"))
    added = {name for name, count in after.items() if count > before.get(name, 0)}
    if not added:
        return []
    for other, text in every_text().items():
        if other == result.path or not any(name in text for name in added):
            continue
        for change in _foreign_changes(text):
            if change.name in added:
                return [(_anchor(result, change.name), f"agent-tools: the migration adds a sync {change.name}.run(), "
                         f"but {other}:{change.line}: {change.message}")]
    return []


# Another file's facts, asked for by every migrated file of a run that may meet it: computed once per text.
@functools.lru_cache(maxsize=1024)
def _imports_from(text: str) -> Tuple[verify.ImportFrom, ...]:
    return tuple(verify.imports_from(text))


@functools.lru_cache(maxsize=1024)
def _foreign_changes(text: str) -> Tuple["agent_callables.ForeignChange", ...]:
    from codemods import agent_callables  # only when a migration adds a sync agent run: not at start-up

    return tuple(agent_callables.foreign_changes(text))


def _names_module(importer: str, level: int, module: str, target: str, texts: Mapping[str, str]) -> bool:
    """Whether ``from <level dots><module> import ...`` in file ``importer`` names the file ``target``."""
    if level:
        return _module_path(importer, level, module, texts) == target
    stem = target[:-len("/__init__.py")] if target.endswith("/__init__.py") else target[:-len(".py")]
    return bool(module) and (stem == module.replace(".", "/") or stem.endswith("/" + module.replace(".", "/")))


def _anchor(result: FileResult, name: str) -> int:
    return next((f.line for f in result.findings if f"{name}()" in f.message), 1)


def _loops_in_imported_functions(result: FileResult,
                                 every_text: Callable[[], Mapping[str, str]]) -> List[Tuple[int, str]]:
    """New calls from async code to a function of another file of the run that starts an event loop."""
    calls = verify.imported_calls_in_async((result.migrated or b"").decode("latin-1"))
    if not calls:
        return []
    before = {(c.function, c.level, c.module, c.name)
              for c in verify.imported_calls_in_async((result.original or b"").decode("latin-1"))}
    reasons = []
    for call in calls:
        if (call.function, call.level, call.module, call.name) in before:
            continue
        texts = every_text()
        other = _module_path(result.path, call.level, call.module, texts)
        loop = verify.function_starts_loop(texts[other], call.name) if other else None
        if loop:
            line = _anchor(result, call.function.split(".")[-1])
            reasons.append((line, f"loop-in-async: async {call.function}() would call {call.name}() from {other}, "
                                  f"which starts an event loop ({loop}) inside the running one"))
    return reasons


def _module_path(path: str, level: int, module: str, texts: Mapping[str, str]) -> Optional[str]:
    """The file of the run a relative import of ``path`` names, if it is one."""
    package = os.path.dirname(path)
    for _ in range(level - 1):
        package = os.path.dirname(package)
    base = os.path.join(package, *module.split(".")) if module else package
    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
        if candidate in texts:
            return candidate
    return None


def _reports_leftovers(code: str, triggered: Sequence[Type[Rule]]) -> bool:
    return any(rule.code == code and rule.reports_leftovers for rule in triggered)


def _without_repeated_leftovers(findings: List[Finding], triggered: Sequence[Type[Rule]]) -> List[Finding]:
    """Drop a leftover report (AGM009) on a line some other rule already reported as left alone."""
    reported = {f.line for f in findings if not f.fixed and not _reports_leftovers(f.code, triggered)}
    return [f for f in findings if not (_reports_leftovers(f.code, triggered) and f.line in reported)]


def _syntax_error_message(source: bytes, exc: cst.ParserSyntaxError) -> str:
    """Where and why ``source`` does not parse, preferably in CPython's words.

    LibCST's ``raw_line`` can point past the offending line and its message
    lists expected tokens; CPython's says e.g. "Missing parentheses in call to
    'print'" for Python 2 code.
    """
    try:
        compile(source, "<source>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as err:
        if err.lineno is not None:
            return f"syntax error at {err.lineno}:{err.offset or 1}: {err.msg}"
    except Exception:  # noqa: BLE001 - fall back to LibCST's own report
        pass
    return f"syntax error at {exc.raw_line}:{exc.raw_column + 1}: {exc.message}"


def rule_steps(
    module: cst.Module,
    rules: Sequence[Type[Rule]],
    path: str,
    options: Optional[Mapping[str, Any]] = None,
    selected: Optional[Sequence[Type[Rule]]] = None,
    *,
    analysis: Any,
    late: Sequence[Type[Rule]] = (),
) -> Iterator[Tuple[Type[Rule], CodemodContext, cst.Module]]:
    """Run ``rules`` in order, each on the previous one's output.

    Yields ``(rule, its context, the module after it)``; the context holds
    the rule's findings.  ``selected`` (default ``rules``) is what rules see
    as ``options["selected_rules"]``; ``options["original_source"]`` is the
    text of ``module``, before any rule ran.  A rule's exception propagates, tagged
    with ``agno_migrate_rule`` = its code.

    The rules share one :class:`~codemods.rule.Analysis` (``analysis``):
    metadata is resolved once per version of the module, and a rule that
    changes nothing yields ``module`` itself (compare by identity).
    """
    from libcst.codemod import CodemodContext, SkipFile

    from codemods.rule import ANALYSIS_KEY

    rule_options = {**(options or {}), "selected_rules": tuple(r.code for r in (selected or rules)),
                    "original_source": module.code}
    version = target.of(rule_options)
    parsed = module
    order = [rule for rule in (selected or rules) if rule in rules or rule in late]
    order += [rule for rule in rules if rule not in order]
    code_of: Dict[int, str] = {}
    for rule in order:
        if rule not in rules:
            # Not triggered by the original: maybe by what an earlier rule wrote.
            if module is parsed:
                continue
            text = code_of.setdefault(id(module), module.code)
            if not rule.is_triggered_by(text):
                continue
        below_target = version < rule.min_target
        # Below the target a fix is never made, safe or not: let the rule plan it
        # (unsafe fixes on) so that it is reported with the target as the reason.
        scratch = {OPTIONS_KEY: {**rule_options, "unsafe_fixes": True} if below_target else dict(rule_options),
                   ANALYSIS_KEY: analysis}
        context = CodemodContext(filename=path, scratch=scratch)
        try:
            new_module = rule(context).transform_module(module)
        except SkipFile:
            continue
        except Exception as exc:
            exc.agno_migrate_rule = rule.code  # type: ignore[attr-defined]
            raise
        if below_target and new_module is not module and new_module.code != module.code:  # rare: below the target
            _below_target(context, rule.min_target, version)
            new_module = module
        yield rule, context, new_module
        module = new_module


def _analysis(parsed: cst.Module) -> Any:
    """A new shared analysis of one file; ``parsed``: the module as the parser made it (wrapped without a copy)."""
    from codemods.rule import Analysis

    return Analysis(parsed)


def _below_target(context: CodemodContext, needed: target.Version, version: target.Version) -> None:
    """The rule's fixes become ``[left alone]`` findings: its output needs a newer Python than the target."""
    from codemods.rule import Rule

    findings = Rule.findings_of(context)
    findings[:] = [
        f if not f.fixed else replace(f, fixed=False, applicability=SAFE, message=f"{f.message}: not applied, it needs Python "
                                      f"{needed[0]}.{needed[1]} and the target is {target.name(version)}")
        for f in findings
    ]


def _prefilter_text(source: bytes) -> str:
    # Trigger strings are ASCII, so a lossy decode is enough to search them.
    return source.decode("latin-1")


# -- files -------------------------------------------------------------------------


def iter_python_files(paths: Iterable[str], excludes: Sequence[str] = (), bases: Sequence[str] = ()) -> Iterator[str]:
    """Yield the ``.py``/``.pyi`` files under ``paths`` (files given are kept).

    Directories named in :data:`DEFAULT_EXCLUDES` and paths matching any
    ``excludes`` glob are skipped; symbolic links met while walking a directory
    are not followed.  A glob matches a path relative to the current
    directory, to the directory given on the command line it was found under,
    or to any of ``bases`` (the configuration file's directory), and any
    component of it.  A non-existent path is yielded as is so that the caller
    reports it, and so is a directory that cannot be listed.
    """
    patterns = tuple(excludes)
    anchors = [os.path.abspath(base) for base in (*bases, os.curdir)]
    for raw in paths:
        path = Path(raw)
        if path.is_dir() and not path.is_symlink():
            roots = [*anchors, os.path.abspath(raw)]
            unreadable: List[str] = []
            for root, dirs, files in os.walk(path, onerror=lambda exc: unreadable.append(exc.filename)):
                dirs[:] = sorted(
                    d
                    for d in dirs
                    if d not in DEFAULT_EXCLUDES
                    and not _excluded(os.path.join(root, d), patterns, roots)
                    and not os.path.islink(os.path.join(root, d))
                )
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if (name.endswith((".py", ".pyi")) and not os.path.islink(full)
                            and not _excluded(full, patterns, roots)):
                        yield full
                yield from unreadable
                unreadable.clear()
            yield from unreadable  # a directory that failed last, or the top one
        elif not _excluded(str(path), patterns, anchors):
            yield str(path)


def _excluded(path: str, patterns: Sequence[str], bases: Sequence[str] = ()) -> bool:
    if not patterns:
        return False
    normalized = path.replace(os.sep, "/")
    candidates = [normalized]
    absolute = os.path.abspath(path)
    for base in bases:
        if absolute.startswith(base.rstrip(os.sep) + os.sep):
            candidates.append(os.path.relpath(absolute, base).replace(os.sep, "/"))
    parts = normalized.split("/")
    return any(
        any(fnmatch.fnmatch(candidate, pattern) for candidate in candidates)
        or any(fnmatch.fnmatch(part, pattern) for part in parts)
        for pattern in patterns
    )


def symlinked_parent(path: str) -> Optional[str]:
    """The first directory on ``path`` that is a symbolic link, or None.

    Checked below the current directory for a path inside it, else below the
    path's top-level directory (``/tmp``, ``/var``: system links there are
    not the user's tree).  The last component is not checked (a file that is
    itself a link is refused when writing).
    """
    absolute = os.path.normpath(os.path.abspath(path))
    cwd = os.getcwd()
    if absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        current, rest = cwd, os.path.relpath(absolute, cwd).split(os.sep)
    else:
        parts = absolute.split(os.sep)
        current, rest = os.sep.join(parts[:2]) or os.sep, parts[2:]
    for part in rest[:-1]:
        current = os.path.join(current, part)
        if os.path.islink(current):
            return current
    return None


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def read_source(path: str) -> Tuple[Optional[bytes], Optional[str]]:
    """``(bytes, None)``, or ``(None, why the file cannot be read)``."""
    try:
        if os.path.islink(path) and not os.path.exists(path):
            raise MigrationError("broken symbolic link")
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            if os.path.islink(path):
                raise MigrationError("is a symbolic link to a directory (not followed)")
            if not os.access(path, os.R_OK | os.X_OK):
                raise MigrationError("directory not readable, its files were not checked")
            try:
                os.listdir(path)
            except OSError as exc:
                raise MigrationError(f"directory not readable ({exc.strerror}), its files were not checked")
            raise MigrationError("is a directory")
        if not stat.S_ISREG(info.st_mode):
            # A FIFO or device would block open()/read() forever.
            raise MigrationError("not a regular file")
        with open(path, "rb") as handle:
            return handle.read(), None
    except FileNotFoundError:
        return None, "no such file"
    except (OSError, MigrationError) as exc:
        return None, f"cannot read: {getattr(exc, 'strerror', None) or exc}"


def process_file(
    path: str,
    rules: Sequence[RuleRef],
    write: bool,
    options: Optional[Mapping[str, Any]] = None,
) -> FileResult:
    """Read, migrate and (if ``write``) atomically rewrite one file."""
    source, error = read_source(path)
    if source is None:
        return FileResult(path=path, error=error)
    return _write_if_changed(migrate_source(source, rules, path, options), write)


def _write_if_changed(result: FileResult, write: bool, root: Optional[str] = None) -> FileResult:
    if write and result.changed and result.error is None:
        assert result.migrated is not None
        try:
            if root is not None and not _inside(os.path.realpath(result.path), os.path.realpath(root)):
                raise MigrationError(f"resolves outside {root} (through a symbolic link)")
            write_atomically(result.path, result.migrated, expected=result.original)
            result.written = True
        except ChangedDuringRun as exc:
            result.error = str(exc)
        except (OSError, MigrationError) as exc:
            result.error = f"not written: {getattr(exc, 'strerror', None) or exc}"
    return result


class ChangedDuringRun(MigrationError):
    """The file no longer holds the bytes that were migrated."""


def write_atomically(path: str, data: bytes, expected: Optional[bytes] = None) -> None:
    """Replace ``path`` with ``data`` so readers see the old or the new file, whole.

    Refuses symbolic links (a link may point outside the tree being migrated),
    files with several hard links (the other names would keep the old code),
    read-only files (``apply`` must not override what a user protected) and,
    given ``expected``, a file that no longer holds exactly those bytes
    (another program changed it since it was read; compared right before the
    rename).  Mode, owner and group (when the user may set them) and extended
    attributes are kept.
    """
    if os.path.islink(path):
        raise MigrationError("is a symbolic link; migrate its target instead")
    info = os.stat(path)
    if info.st_nlink > 1:
        raise MigrationError(f"has {info.st_nlink} hard links; replacing it would leave the old code under "
                             "the other names (migrate a copy, then link again)")
    # os.access() says yes to root whatever the mode bits: check them too.
    if not os.access(path, os.W_OK) or not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise MigrationError("file is read-only")
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp_path = tempfile.mkstemp(prefix=".agno-migrate-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _keep_owner(temp_path, info)
        _copy_xattrs(path, temp_path)
        os.chmod(temp_path, stat.S_IMODE(info.st_mode))
        if expected is not None:
            _still_holds(path, info, expected)
        os.replace(temp_path, path)
    except BaseException:
        try:
            os.unlink(temp_path)
        except FileNotFoundError:
            pass
        raise


def _keep_owner(temp_path: str, info: os.stat_result) -> None:
    """Give the new file the old one's owner and group, or its group alone, as far as allowed."""
    if not hasattr(os, "chown"):
        return
    for uid in (info.st_uid, -1):
        try:
            os.chown(temp_path, uid, info.st_gid)
            return
        except OSError:
            continue


def _copy_xattrs(path: str, temp_path: str) -> None:
    """Copy extended attributes; failing to keep a ``user.`` attribute refuses the write."""
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(path)
    except OSError:
        return
    for name in names:
        try:
            os.setxattr(temp_path, name, os.getxattr(path, name))
        except OSError as exc:
            if name.startswith("user."):
                raise MigrationError(f"cannot keep extended attribute {name}: {exc.strerror or exc}") from exc


def _still_holds(path: str, info: os.stat_result, expected: bytes) -> None:
    now = os.lstat(path)
    changed = stat.S_ISLNK(now.st_mode) or (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino)
    if not changed:
        with open(path, "rb") as handle:
            changed = handle.read(len(expected) + 1) != expected
    if changed:
        raise ChangedDuringRun("changed during the run, not written (run agno-migrate again)")


def run(
    paths: Sequence[str],
    rules: Sequence[RuleRef],
    *,
    write: bool,
    jobs: int = 1,
    excludes: Sequence[str] = (),
    options: Optional[Mapping[str, Any]] = None,
    on_result: Optional[Callable[[FileResult], None]] = None,
    roots: Optional[Sequence[str]] = None,
    record_steps: bool = False,
) -> List[FileResult]:
    """Process every Python file under ``paths``; results in path order.

    Two passes: every file is read and prefiltered here (cheap, no LibCST),
    then only the files some rule may apply to are parsed and migrated: big
    ones (every one with ``jobs`` > 1) in supervised worker processes
    (:mod:`codemods.workers`), small ones here.  Files are written here, as
    soon as they are done (a migration that removes or (a)syncs a method after
    a check against every other file read), and only inside ``roots`` (the paths the user gave; default
    ``paths``): a path through a symbolic link to a directory is refused.  With ``record_steps`` (the
    review), the files a migration changes keep the code after each rule (:attr:`FileResult.steps`);
    without it a run keeps nothing more than it reports.
    """
    files = list(dict.fromkeys(iter_python_files(paths, excludes)))
    given = [os.path.normpath(root) for root in (roots if roots is not None else paths)]
    results: List[Optional[FileResult]] = [None] * len(files)
    pending: List[Tuple[int, FileResult, List[RuleRef]]] = []  # files to parse, with their triggered rules
    checks = trigger_checks(rules, options)

    texts: Dict[str, str] = {}  # every file as read, decoded when a migrated file first needs them

    def every_text() -> Dict[str, str]:
        if not texts:
            for path, kept in read:
                source = kept.original if kept is not None else read_source(path)[0]
                if source:
                    texts[path] = source.decode("latin-1")
        return texts

    def settle(index: int, result: FileResult) -> None:
        results[index] = result
        if result.changed and result.error is None:
            _check_other_files(result, every_text, selected)
        _write_if_changed(result, write, _root_of(result.path, given))
        if on_result:
            on_result(result)

    # Every file read, for the check across files: with its result while that keeps the bytes
    # (files to migrate, files with findings), else None: a clean file's bytes are dropped after
    # the prefilter (a run over a clean tree holds one file at a time) and read again only if a
    # migration needs every file's text.
    read: List[Tuple[str, Optional[FileResult]]] = []
    links: Dict[str, Optional[str]] = {}
    for index, path in enumerate(files):
        folder = os.path.dirname(os.path.abspath(path))
        if folder not in links:
            links[folder] = symlinked_parent(path)
        link = links[folder]
        if link is not None:
            settle(index, FileResult(path=path, error=f"not followed: reached through the symbolic link {link} "
                                                      "(it may lead outside the tree); give the real path"))
            continue
        source, error = read_source(path)
        if source is None:
            settle(index, FileResult(path=path, error=error))
            continue
        result = FileResult(path=path, original=source)
        triggered = prefilter_source(result, rules, checks)
        if triggered:
            result.steps = {} if record_steps else None
            pending.append((index, result, triggered))
            read.append((path, result))
            continue
        settle(index, _unused_suppressions(result))
        if result.error is None and not result.findings:
            result.original = result.migrated = None
            read.append((path, None))
        else:
            read.append((path, result))
    selected = tuple(load_rules(rules)) if pending else ()
    # Every file was read above: a migration that removes or (a)syncs a method is
    # checked against all of them (:func:`_check_other_files`), then written.
    work = [(index, (result, tuple(load_rules(triggered)), selected, dict(options or {})))
            for index, result, triggered in pending]
    # A big file, or with -j every file, goes to a supervised worker: a crash, a hang
    # or a memory blow-up there costs that file only.
    big = {index for index, item in work if limits.needs_supervision(item[0].original or b"")}
    if jobs > 1 and len(work) > 1:
        big = {index for index, _ in work}
    supervised = [(index, item) for index, item in work if index in big]
    here = [(index, item) for index, item in work if index not in big]
    for index, item in here:
        settle(index, migrate_file(*item))
    if supervised:
        from codemods import workers

        for index, result in workers.migrate_supervised(supervised, max(1, jobs)):
            settle(index, result)
    return [result for result in results if result is not None]


def _root_of(path: str, roots: Sequence[str]) -> Optional[str]:
    """The given directory ``path`` was found under (None for a file given by name)."""
    absolute = os.path.abspath(path)
    for root in roots:
        top = os.path.abspath(root)
        if absolute != top and absolute.startswith(top.rstrip(os.sep) + os.sep):
            return root
    return None
