"""The oracle: is what agno-migrate makes of ONE legacy case acceptable?

A *case* is a directory holding a Python package: legacy modules (every
``*.py`` but ``harness.py`` goes through the codemods) and ``harness.py``
(never migrated; imports the legacy code relatively) defining

* ``SCENARIOS``: a list of :class:`codemods.parity.harness.Scenario`;
* ``make(scenario)``: a fresh workflow for one run;
* optionally ``EXTRA``: ``{name: callable(scenario) -> plain value}``, entry
  points other than ``run``/``arun`` (e.g. a module-level coroutine iterating
  a subflow from outside the class), compared between the two copies.

:func:`check_case` copies the case twice into a temporary directory as two
fresh packages ``legacy_<n>`` and ``migrated_<n>``, migrates every module of
the second copy exactly as ``agno-migrate apply`` does with default settings
(or ``apply --unsafe-fixes``, with ``unsafe_fixes``)
(one :func:`codemods.engine.run` over all its modules with
:func:`codemods.rules.select_codes`, as ``agno-migrate apply`` does) and checks THE PROPERTY:

1. no rule failed (``FileResult.error``) and every output compiles;
2. migrating every output again changes nothing (idempotency);
3. :func:`codemods.parity.harness.check_parity` holds (legacy ``run`` vs
   migrated ``run`` and ``arun``, every scenario) and every ``EXTRA`` entry
   point gives the same result on both copies, each case within a time limit
   (a hang or an endless recursion is a problem, not a hung test);
4. no missed bridge: every event-loop-running call left in the OUTPUT inside
   a class deriving (transitively, within its module; with
   ``cross_module_bases``, within the case) from agno's ``Workflow``
   has a ``[left alone]`` finding (``fixed == False``) at the line where that
   call is in the ORIGINAL file (or, if its text is not in the original, some
   ``[left alone]`` finding within that class's lines of the original).

In words: either the migrated code keeps parity with the legacy code, or the
affected code is left unchanged and a ``[left alone]`` finding explains why.

Every problem is a line starting with its kind in brackets (``[rule-error]``,
``[compile]``, ``[idempotency]``, ``[import]``, ``[parity]``, ``[extra]``,
``[timeout]``, ``[missed-bridge]``, ``[case]``), so reports can group them.
:func:`examine_case` returns the same problems in a :class:`CaseReport` with
the classification (``"migrated"``: some output changed, ``"left alone"``:
none did) and the findings.
"""

from __future__ import annotations

import ast
import gc
import importlib
import itertools
import os
import shutil
import signal
import sys
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple

from codemods import engine
from codemods.finding import Finding
from codemods.parity.harness import ParityError, check_parity
from codemods.rules import select_codes

#: Seconds one case may run (parity and EXTRA together) before it is a ``[timeout]`` problem.
DEFAULT_TIMEOUT = 30.0
#: Module-level classes the codemods generate as the one sync/async boundary.
BOUNDARY_CLASSES = frozenset({"_BlockingTaskGroup", "_TaskResult"})
#: A problem's parity diff is cut to this many characters.
MAX_DIFF = 3000

_COUNTER = itertools.count()


@dataclass
class CaseReport:
    """What the oracle found for one case."""

    problems: List[str] = field(default_factory=list)
    #: "migrated" (some output differs from its input) or "left alone" (no output does).
    classification: str = "left alone"
    #: module file name -> its findings (every one, fixed or left alone)
    findings: Dict[str, List[Finding]] = field(default_factory=dict)
    #: module file name -> migrated source (only the modules that changed)
    outputs: Dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def left_alone(self) -> List[Finding]:
        return [f for found in self.findings.values() for f in found if not f.fixed]

    @property
    def kinds(self) -> List[str]:
        """The distinct problem kinds, e.g. ``["parity", "missed-bridge"]``."""
        return sorted({problem[1:problem.index("]")] for problem in self.problems if problem.startswith("[")})


class CaseTimeout(BaseException):
    """Raised in the main thread when a case runs out of time.

    A ``BaseException`` so that the parity harness's ``except Exception``
    (which records a run's error) does not swallow it.
    """


# -- public entry points ----------------------------------------------------------------------


def check_case(case_dir: Path, tmp_dir: Path, timeout: float = DEFAULT_TIMEOUT,
               cross_module_bases: bool = False, unsafe_fixes: bool = False) -> List[str]:
    """The problems of ``case_dir`` (empty: what the codemods make of it is acceptable).

    ``cross_module_bases``: check 4 also covers classes whose Workflow base
    comes from another module of the case (stricter than "within the module").
    ``unsafe_fixes``: migrate as ``apply --unsafe-fixes`` does (default: as ``apply``).
    """
    return examine_case(case_dir, tmp_dir, timeout, cross_module_bases, unsafe_fixes).problems


def examine_case(case_dir: Path, tmp_dir: Path, timeout: float = DEFAULT_TIMEOUT,
                 cross_module_bases: bool = False, unsafe_fixes: bool = False) -> CaseReport:
    """:func:`check_case` with the classification and findings."""
    case_dir, tmp_dir = Path(case_dir), Path(tmp_dir)
    report = CaseReport()
    if not (case_dir / "harness.py").is_file():
        report.problems.append(f"[case] {case_dir} has no harness.py")
        return report
    number = f"{os.getpid()}_{next(_COUNTER)}"
    legacy_name, migrated_name = f"legacy_{number}", f"migrated_{number}"
    legacy_dir, migrated_dir = tmp_dir / legacy_name, tmp_dir / migrated_name
    for target in (legacy_dir, migrated_dir):
        shutil.copytree(case_dir, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        init = target / "__init__.py"
        if not init.exists():
            init.write_text("")

    options = {"unsafe_fixes": unsafe_fixes}
    originals, outputs = _migrate(migrated_dir, report, options)
    _check_idempotent(migrated_dir, outputs, report, options)
    _check_missed_bridges(originals, outputs, report, cross_module_bases)
    if not any(p.startswith("[compile]") for p in report.problems):
        _check_behaviour(tmp_dir, legacy_name, migrated_name, timeout, report)
    return report


# -- 1. migrate, no rule error, compiles ---------------------------------------------------------


def _modules(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.rglob("*.py")):
        if path.name != "harness.py" and "__pycache__" not in path.parts:
            yield path


def _migrate(directory: Path, report: CaseReport,
             options: Dict[str, bool]) -> Tuple[Dict[str, bytes], Dict[str, bytes]]:
    """Migrate every module under ``directory`` in place; ``(originals, outputs)`` by relative path."""
    codes = select_codes()
    originals: Dict[str, bytes] = {}
    outputs: Dict[str, bytes] = {}
    paths = list(_modules(directory))
    # One run over the whole package, as `agno-migrate apply <package>` does (files see each other).
    results = {Path(r.path): r for r in engine.run([str(p) for p in paths], codes, write=False, options=options)}
    for path in paths:
        name = path.relative_to(directory).as_posix()
        source = path.read_bytes()
        originals[name] = source
        result = results[path]
        report.findings[name] = list(result.findings)
        if result.error is not None:
            report.problems.append(f"[rule-error] {name}: {result.error}")
        output = result.migrated if result.error is None and result.migrated is not None else source
        outputs[name] = output
        if output != source:
            report.classification = "migrated"
            report.outputs[name] = output.decode("utf-8", "replace")
            path.write_bytes(output)
        try:
            compile(output, str(path), "exec", dont_inherit=True)
        except SyntaxError as exc:
            report.problems.append(f"[compile] {name}:{exc.lineno}: {exc.msg}")
    return originals, outputs


# -- 2. idempotency --------------------------------------------------------------------------


def _check_idempotent(directory: Path, outputs: Dict[str, bytes], report: CaseReport,
                      options: Dict[str, bool]) -> None:
    """A second run over the migrated package (files on disk) changes nothing."""
    codes = select_codes()
    rerun = {Path(r.path).relative_to(directory).as_posix(): r
             for r in engine.run([str(p) for p in _modules(directory)], codes, write=False, options=options)}
    for name, output in outputs.items():
        again = rerun[name]
        if again.error is not None:
            report.problems.append(f"[idempotency] {name}: migrating the output again fails: {again.error}")
        elif again.changed:  # (a file no rule may apply to comes back without its bytes)
            report.problems.append(f"[idempotency] {name}: migrating the output again changes it:\n"
                                   + _short_diff(output, again.migrated or b""))


def _short_diff(before: bytes, after: bytes) -> str:
    import difflib

    lines = difflib.unified_diff(before.decode("utf-8", "replace").splitlines(),
                                 after.decode("utf-8", "replace").splitlines(), "output", "again", lineterm="", n=1)
    return "\n".join(list(lines)[:40])


# -- 4. no missed bridge ------------------------------------------------------------------------

_ASYNCIO_RUNNERS = {"run", "new_event_loop", "get_event_loop", "Runner"}


@dataclass
class _Spelling:
    """How one module can name the event-loop runners."""

    asyncio_modules: Set[str] = field(default_factory=set)  # import asyncio [as x]
    runner_names: Dict[str, str] = field(default_factory=dict)  # local name -> "asyncio.run", ...
    nest_asyncio_modules: Set[str] = field(default_factory=set)
    anyio_modules: Set[str] = field(default_factory=set)


def _spelling(tree: ast.AST) -> _Spelling:
    found = _Spelling()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                if alias.name == "asyncio":
                    found.asyncio_modules.add(local)
                elif alias.name == "nest_asyncio":
                    found.nest_asyncio_modules.add(local)
                elif alias.name == "anyio":
                    found.anyio_modules.add(local)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            for alias in node.names:
                local = alias.asname or alias.name
                if node.module == "asyncio" and alias.name in _ASYNCIO_RUNNERS:
                    found.runner_names[local] = f"asyncio.{alias.name}"
                elif node.module == "nest_asyncio" and alias.name == "apply":
                    found.runner_names[local] = "nest_asyncio.apply"
                elif node.module == "anyio" and alias.name == "run":
                    found.runner_names[local] = "anyio.run"
    return found


def _runner(node: ast.AST, spelling: _Spelling) -> Optional[str]:
    """The event-loop runner ``node`` names (``asyncio.run``...), if any."""
    if isinstance(node, ast.Name):
        return spelling.runner_names.get(node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        owner = node.value.id
        if owner in spelling.asyncio_modules and node.attr in _ASYNCIO_RUNNERS:
            return f"asyncio.{node.attr}"
        if owner in spelling.nest_asyncio_modules and node.attr == "apply":
            return "nest_asyncio.apply"
        if owner in spelling.anyio_modules and node.attr == "run":
            return "anyio.run"
    return None


def loop_running_calls(tree: ast.AST, spelling: Optional[_Spelling] = None) -> List[ast.AST]:
    """Calls in ``tree`` that run an event loop, and runners passed as a callable (``submit(asyncio.run, c)``).

    ``asyncio.run`` (any alias, ``from asyncio import run [as x]``),
    ``<anything>.run_until_complete(...)``, ``asyncio.new_event_loop()``,
    ``asyncio.get_event_loop()``, ``asyncio.Runner(...)``,
    ``nest_asyncio.apply()``, ``anyio.run(...)``.
    """
    spelling = spelling or _spelling(tree)
    found: List[ast.AST] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute) and node.func.attr == "run_until_complete":
            found.append(node)
        elif _runner(node.func, spelling):
            found.append(node)
        else:
            found.extend(arg for arg in node.args if _runner(arg, spelling) == "asyncio.run")
    return found


def _class_bases(node: ast.ClassDef) -> List[str]:
    names = []
    for base in node.bases:
        if isinstance(base, ast.Name):
            names.append(base.id)
        elif isinstance(base, ast.Attribute):
            names.append(base.attr)
    return names


def workflow_classes(trees: Sequence[ast.AST]) -> Set[str]:
    """Names of the classes of ``trees`` that derive, transitively, from agno's ``Workflow``.

    Bases are matched by name across all of ``trees``, to a fixpoint: one
    module's tree for the property as specified ("within the module"), every
    module of the case to also count a base class imported from a sibling
    module (``from .base import BaseFlow``).
    """
    classes = [node for tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    known: Set[str] = {"Workflow"}
    changed = True
    while changed:
        changed = False
        for node in classes:
            if node.name not in known and any(base in known for base in _class_bases(node)):
                known.add(node.name)
                changed = True
    known.discard("Workflow")
    return known


def _check_missed_bridges(originals: Dict[str, bytes], outputs: Dict[str, bytes], report: CaseReport,
                          cross_module_bases: bool = False) -> None:
    trees: Dict[str, ast.AST] = {}
    for name, output in outputs.items():
        try:
            trees[name] = ast.parse(output)
        except SyntaxError:
            continue  # already a [compile] problem
    everywhere = workflow_classes(list(trees.values())) if cross_module_bases else set()
    before = len(report.problems)
    for name, tree in trees.items():
        workflows = everywhere or workflow_classes([tree])
        text = outputs[name].decode("utf-8", "replace")
        original = originals[name].decode("utf-8", "replace")
        left_lines = {f.line for f in report.findings.get(name, []) if not f.fixed}
        original_classes = _class_ranges(original)
        spelling = _spelling(tree)
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            if cls.name not in workflows or cls.name in BOUNDARY_CLASSES:
                continue
            for call in loop_running_calls(cls, spelling):
                if _inside_boundary(cls, call):
                    continue
                segment = ast.get_source_segment(text, call) or ""
                lines = _lines_of(original, segment)
                if lines:
                    if not lines & left_lines:
                        report.problems.append(
                            f"[missed-bridge] {name}: `{_one_line(segment)}` (original line "
                            f"{', '.join(map(str, sorted(lines)))}, class {cls.name}) is still in the output "
                            "with no [left alone] finding on its line")
                else:
                    start, end = original_classes.get(cls.name, (0, -1))
                    if not any(start <= line <= end for line in left_lines):
                        report.problems.append(
                            f"[missed-bridge] {name}: `{_one_line(segment)}` (output line {getattr(call, 'lineno', '?')}, class "
                            f"{cls.name}; not in the original) is in the output with no [left alone] "
                            "finding in that class")
    # The same call text met twice (e.g. two ``asyncio.get_event_loop()``) is one problem.
    report.problems[before:] = list(dict.fromkeys(report.problems[before:]))


def _inside_boundary(cls: ast.ClassDef, call: ast.AST) -> bool:
    for node in ast.walk(cls):
        if isinstance(node, ast.ClassDef) and node.name in BOUNDARY_CLASSES and node is not cls:
            if node.lineno <= getattr(call, "lineno", 0) <= (node.end_lineno or node.lineno):
                return True
    return False


def _class_ranges(source: str) -> Dict[str, Tuple[int, int]]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    return {node.name: (node.lineno, node.end_lineno or node.lineno)
            for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}


def _lines_of(source: str, segment: str) -> Set[int]:
    lines: Set[int] = set()
    if not segment:
        return lines
    start = source.find(segment)
    while start != -1:
        lines.add(source.count("\n", 0, start) + 1)
        start = source.find(segment, start + 1)
    return lines


def _one_line(segment: str) -> str:
    text = " ".join(segment.split())
    return text if len(text) <= 120 else text[:117] + "..."


# -- 3. parity and EXTRA, under a time limit ----------------------------------------------------------


def _check_behaviour(tmp_dir: Path, legacy_name: str, migrated_name: str, timeout: float, report: CaseReport) -> None:
    path = str(tmp_dir)
    if path not in sys.path:
        sys.path.insert(0, path)
    importlib.invalidate_caches()
    try:
        with _time_limit(timeout), warnings.catch_warnings():
            # A coroutine a broken rewrite never awaits warns; it must not turn into an error elsewhere.
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                legacy = importlib.import_module(f"{legacy_name}.harness")
            except Exception as exc:  # noqa: BLE001
                report.problems.append(f"[case] the legacy case does not import: {type(exc).__name__}: {exc}")
                return
            try:
                migrated = importlib.import_module(f"{migrated_name}.harness")
            except Exception as exc:  # noqa: BLE001
                report.problems.append(f"[import] the migrated case does not import: {type(exc).__name__}: {exc}")
                return
            scenarios = list(legacy.SCENARIOS)
            try:
                check_parity(legacy.make, migrated.make, scenarios)
            except ParityError as exc:
                report.problems.append("[parity] " + _cut(str(exc)))
            except Exception as exc:  # noqa: BLE001 - e.g. the candidate implements no mode
                report.problems.append(f"[parity] check_parity failed: {type(exc).__name__}: {_cut(str(exc))}")
            extra_legacy: Dict[str, Callable[[Any], object]] = getattr(legacy, "EXTRA", {}) or {}
            extra_migrated: Dict[str, Callable[[Any], object]] = getattr(migrated, "EXTRA", {}) or {}
            for entry, call in extra_legacy.items():
                for scenario in scenarios:
                    expected = _call_extra(call, scenario)
                    other = extra_migrated.get(entry)
                    got = _call_extra(other, scenario) if other else "Error: no such EXTRA entry"
                    if expected != got:
                        report.problems.append(
                            f"[extra] {entry} / {scenario.name}:\n  legacy:   {expected!r}\n  migrated: {got!r}")
            gc.collect()
    except CaseTimeout:
        report.problems.append(f"[timeout] the case did not finish within {timeout:g} s (hang or endless loop)")
    finally:
        _forget(legacy_name, migrated_name)


def _call_extra(call: Callable[[Any], object], scenario: Any) -> object:
    try:
        return call(scenario)
    except Exception as exc:  # noqa: BLE001 - the error is the result
        return f"Error: {type(exc).__name__}: {exc}"


def _cut(text: str) -> str:
    return text if len(text) <= MAX_DIFF else text[:MAX_DIFF] + f"\n... ({len(text) - MAX_DIFF} more characters)"


def _forget(*packages: str) -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in packages:
            del sys.modules[name]


class _time_limit:
    """Raise :class:`CaseTimeout` in this thread after ``seconds`` (SIGALRM in the main thread).

    Outside the main thread no signal can be used: the limit is then only
    checked by a watchdog that interrupts nothing (hangs are not caught).
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.previous: Any = None
        self.active = False

    def __enter__(self) -> "_time_limit":
        if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM"):
            self.previous = signal.signal(signal.SIGALRM, self._expire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self.active = True
        return self

    def _expire(self, signum: int, frame: Any) -> None:
        raise CaseTimeout()

    def __exit__(self, *exc_info: Any) -> None:
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
            self.active = False
