"""Part 1: codemod throughput of agno-migrate against floors and ``libcst.tool``.

The corpus is built in a temporary directory from code every checkout has: the
installed agno and pydantic packages, the Python standard library with its
tests (what the engine would walk: directories it skips by default, such as
``venv``, are left out) and ``legacy/`` copied ``legacy_copies`` times.  Apart
from the legacy workflows, a few dozen agno and standard-library modules need
migration too (``asyncio.gather``, ``ThreadPoolExecutor``,
``RunResponseContentEvent``).

Measured (median of ``runs`` runs; whole-corpus passes ``heavy_runs`` times):

* ``agno-migrate check -j1`` and ``-j2`` on the whole corpus, as a user runs
  them (a new process, startup included); ``apply -j2`` on a copy of the whole
  corpus only with ``full_apply`` (it costs as much as a ``check``);
* floors: reading every file, ``grep -rlF`` for every rule's trigger strings,
  the engine's prefilter, LibCST parsing (every file, the prefiltered ones)
  and LibCST parse + codegen of the files that need migration;
* ``check`` on the clean files only, the engine against parse + codegen on a
  sample of the files that need migration, and the original prefilter against
  the new one on files the original one parsed for nothing;
* ``python -m libcst.tool codemod`` with the same rules on two samples (a few
  typical clean files, one copy of ``legacy/``), next to ``check -j1/-j2`` and
  ``apply -j1`` on the same samples.  libcst.tool runs one codemod per
  invocation and has no prefilter, so "the same rules" is eight invocations in
  the engine's order on one copy, timed together; the whole corpus (hours of
  work for libcst.tool) is estimated from the samples (see
  ``bench.run.estimate_libcst_tool``).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import libcst as cst

from codemods import engine
from codemods.engine import DEFAULT_EXCLUDES, iter_python_files, migrate_source
from codemods.rules import all_rules

REPO = Path(__file__).resolve().parent.parent
Log = Callable[[str], None]


# -- corpus ------------------------------------------------------------------------


def clean_sources() -> List[Tuple[str, Path]]:
    import agno
    import pydantic

    return [
        ("agno", Path(agno.__file__).parent),
        ("pydantic", Path(pydantic.__file__).parent),
        ("stdlib", Path(sysconfig.get_paths()["stdlib"])),
    ]


def _copy_py_tree(source: Path, target: Path, limit: Optional[int] = None, max_bytes: Optional[int] = None) -> int:
    """Copy the ``.py`` files under ``source`` (in walk order; at most ``limit`` files of ``max_bytes``)."""
    copied = 0
    for root, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if d not in DEFAULT_EXCLUDES and d != "site-packages")
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            if max_bytes is not None and os.path.getsize(Path(root) / name) > max_bytes:
                continue
            if limit is not None and copied >= limit:
                return copied
            relative = Path(root).relative_to(source) / name
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(root) / name, destination)
            copied += 1
    return copied


@dataclass
class Corpus:
    root: Path
    clean: List[str] = field(default_factory=list)  # files of the installed packages and the stdlib
    legacy: List[str] = field(default_factory=list)  # files of the legacy/ copies
    groups: Dict[str, Tuple[int, int]] = field(default_factory=dict)  # name -> (files, bytes)

    @property
    def files(self) -> List[str]:
        return self.clean + self.legacy

    @staticmethod
    def size(files: Sequence[str]) -> int:
        return sum(os.path.getsize(f) for f in files)


def build_corpus(root: Path, legacy_copies: int, smoke: bool) -> Corpus:
    corpus = Corpus(root)
    limits = {"agno": 12, "pydantic": 4, "stdlib": 12} if smoke else {}
    for name, source in clean_sources():
        target = root / name
        _copy_py_tree(source, target, limits.get(name), max_bytes=8000 if smoke else None)
        files = list(iter_python_files([str(target)]))
        corpus.clean += files
        corpus.groups[name] = (len(files), Corpus.size(files))
    if smoke:  # a few clean files that do need migration, so every table has rows
        asyncio_dir = Path(sysconfig.get_paths()["stdlib"]) / "asyncio"
        for name in ("staggered.py", "taskgroups.py"):
            destination = root / "stdlib" / "asyncio" / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asyncio_dir / name, destination)
        corpus.clean = [f for name, _ in clean_sources() for f in iter_python_files([str(root / name)])]
        corpus.groups["stdlib"] = (len(list(iter_python_files([str(root / "stdlib")]))),
                                   Corpus.size(list(iter_python_files([str(root / "stdlib")]))))
    for index in range(legacy_copies):
        target = root / f"legacy_{index:02d}"
        _copy_py_tree(REPO / "legacy", target)
        if smoke:  # the legacy workflow takes seconds to migrate: stand in a small file that needs migration
            shutil.copyfile(REPO / "tests" / "fixtures" / "AGM004" / "basic.before.py",
                            target / "financial_assistant" / "workflow.py")
        corpus.legacy += list(iter_python_files([str(target)]))
    corpus.groups[f"legacy/ x{legacy_copies}"] = (len(corpus.legacy), Corpus.size(corpus.legacy))
    return corpus


def copy_files(files: Sequence[str], root: Path, target: Path) -> List[str]:
    """Copy ``files`` (under ``root``) to ``target``, keeping relative paths."""
    if target.exists():
        shutil.rmtree(target)
    out = []
    for file in files:
        destination = target / Path(file).relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, destination)
        out.append(str(destination))
    return out


# -- the prefilter, before and after ----------------------------------------------


def original_triggered(rule: type, text: str) -> bool:
    """The prefilter before the benchmarks: any one of the rule's trigger strings."""
    return any(trigger in text for trigger in rule.triggers)


@dataclass
class PrefilterStats:
    triggered: List[str]  # files some rule is triggered by (parsed by the engine)
    original: List[str]  # files the original prefilter passed
    rule_files: Dict[str, Tuple[int, int]]  # code -> (files now, files with the original prefilter)


def prefilter_stats(files: Sequence[str], rules: Sequence[type]) -> PrefilterStats:
    triggered, original = [], []
    per_rule: Dict[str, List[int]] = {rule.code: [0, 0] for rule in rules}
    for file in files:
        text = Path(file).read_bytes().decode("latin-1")
        hits = [rule for rule in rules if rule.is_triggered_by(text)]
        old_hits = [rule for rule in rules if original_triggered(rule, text)]
        for rule in hits:
            per_rule[rule.code][0] += 1
        for rule in old_hits:
            per_rule[rule.code][1] += 1
        if hits:
            triggered.append(file)
        if old_hits:
            original.append(file)
    return PrefilterStats(triggered, original, {code: (a, b) for code, (a, b) in per_rule.items()})


# -- timing helpers -------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


class Times(list):
    """Wall-clock seconds of each run; ``cpu``: CPU seconds of each run (this process and its children).

    CPU time hardly changes when other jobs load the machine, wall time does.
    """

    cpu: List[float]


def _cpu_now() -> float:
    own = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + children.ru_utime + children.ru_stime


def timed_runs(action: Callable[[], Any], runs: int, prepare: Optional[Callable[[], Any]] = None) -> Times:
    times = Times()
    times.cpu = []
    for _ in range(runs):
        if prepare is not None:
            prepare()
        cpu = _cpu_now()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
        times.cpu.append(_cpu_now() - cpu)
    return times


def run_command(command: Sequence[str], ok: Sequence[int] = (0, 1), cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO), AGNO_TELEMETRY="false")
    env.pop("LIBCST_TOOL_REQUIRE_CONFIG", None)
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode not in ok:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done


def agno_migrate(subcommand: str, target: str, jobs: int) -> List[str]:
    # Exit 1 = migration needed, 2 = some file could not be parsed (the stdlib has a few on purpose).
    return [sys.executable, "-m", "codemods", subcommand, "--isolated", "-q", "-j", str(jobs), target]


def time_agno_migrate(subcommand: str, target: str, jobs: int, runs: int,
                      prepare: Optional[Callable[[], Any]] = None) -> Times:
    command = agno_migrate(subcommand, target, jobs)
    return timed_runs(lambda: run_command(command, ok=(0, 1, 2)), runs, prepare)


def startup_time(runs: int, scratch: Path) -> Tuple[List[float], List[str]]:
    empty = scratch / "empty"
    empty.mkdir(exist_ok=True)
    (empty / "clean.py").write_text("x = 1\n")
    return time_agno_migrate("check", str(empty), 1, runs), [str(empty / "clean.py")]


# -- floors ---------------------------------------------------------------------------


def read_floor(files: Sequence[str], runs: int) -> List[float]:
    def action() -> None:
        for file in files:
            with open(file, "rb") as handle:
                handle.read()

    return timed_runs(action, runs)


def trigger_strings(rules: Sequence[type]) -> List[str]:
    return sorted({trigger for rule in rules for trigger in rule.triggers})


def grep_floor(target: str, rules: Sequence[type], runs: int) -> Tuple[List[float], int]:
    command = ["grep", "-rlF", "--include=*.py"]
    for trigger in trigger_strings(rules):
        command += ["-e", trigger]
    command.append(target)
    matches = [0]

    def action() -> None:
        done = run_command(command, ok=(0, 1))
        matches[0] = len(done.stdout.splitlines())

    return timed_runs(action, runs), matches[0]


def prefilter_floor(files: Sequence[str], rules: Sequence[type], runs: int) -> List[float]:
    """Read every file and ask every rule (the engine's prefilter), in process."""

    def action() -> None:
        for file in files:
            with open(file, "rb") as handle:
                engine.triggered_rules(handle.read(), rules)

    return timed_runs(action, runs)


def parse_floor(files: Sequence[str], runs: int, codegen: bool = False, one_pass: bool = False) -> List[float]:
    """LibCST parsing ``files`` (and printing them; with ``one_pass``, rebuilt by a
    transformer that changes nothing in between: the least a LibCST codemod does)."""
    sources = [Path(f).read_bytes() for f in files]

    def action() -> None:
        for source in sources:
            try:
                module = cst.parse_module(source)
                if one_pass:
                    module = module.visit(cst.CSTTransformer())
                if codegen:
                    module.code
            except (cst.ParserSyntaxError, RecursionError, UnicodeDecodeError, SyntaxError, LookupError):
                pass

    return timed_runs(action, runs)


# -- libcst.tool ----------------------------------------------------------------------


def libcst_tool_commands(rules: Sequence[type], target: str, jobs: int) -> List[List[str]]:
    """One ``python -m libcst.tool codemod`` per rule, in the engine's order."""
    configured = (REPO / ".libcst.codemod.yaml").exists()
    commands = []
    for rule in rules:
        module = rule.__module__
        if configured:  # modules: [codemods.rules] in the repository's .libcst.codemod.yaml
            spec = [f"{module.removeprefix('codemods.rules.')}.{rule.__name__}"]
        else:
            spec = ["-x", f"{module}.{rule.__name__}"]
        commands.append([sys.executable, "-m", "libcst.tool", "codemod", *spec, "--no-format", "--include-generated",
                         "--hide-progress", "--hide-generated-warnings", "-j", str(jobs), target])
    return commands


def time_libcst_tool(rules: Sequence[type], files: Sequence[str], root: Path, scratch: Path, jobs: int,
                     runs: int) -> List[float]:
    target = scratch / "libcst-tool-copy"
    commands = libcst_tool_commands(rules, str(target), jobs)

    def action() -> None:
        for command in commands:
            run_command(command, ok=(0, 1))

    return timed_runs(action, runs, prepare=lambda: copy_files(files, root, target))


# -- the whole part -------------------------------------------------------------------


def sample_every(files: Sequence[str], count: int) -> List[str]:
    """``count`` files spread evenly over ``files`` (deterministic)."""
    if count >= len(files):
        return list(files)
    step = len(files) / count
    return [files[int(i * step)] for i in range(count)]


def findings_by_file(report: Path) -> Tuple[Dict[str, int], List[str]]:
    """From ``check --output-format json``: findings per file, and the files that failed."""
    data = json.loads(report.read_text())
    counts: Dict[str, int] = {}
    for finding in data.get("findings", []):
        counts[finding["path"]] = counts.get(finding["path"], 0) + 1
    return counts, [error["path"] for error in data.get("errors", [])]


def prints_back(file: str) -> bool:
    """LibCST parses and prints the file (some deeply nested ones exhaust the recursion limit)."""
    try:
        cst.parse_module(Path(file).read_bytes()).code
        return True
    except Exception:  # noqa: BLE001 - RecursionError, syntax errors, ...
        return False


def in_process_migrate(files: Sequence[str], runs: int) -> List[float]:
    """``migrate_source`` (all rules, prefilter included) on each file, in process: no startup, no I/O."""
    rules = all_rules()
    sources = [(f, Path(f).read_bytes()) for f in files]
    return timed_runs(lambda: [migrate_source(source, rules, f) for f, source in sources], runs)


class Recorder:
    def __init__(self, log: Log) -> None:
        self.rows: Dict[str, Dict[str, Any]] = {}
        self.log = log

    def __call__(self, name: str, times: List[float], files: Sequence[str], **extra: Any) -> None:
        cpu = list(getattr(times, "cpu", []))
        self.rows[name] = {"times": list(times), "median": median(times), "runs": len(times), "files": len(files),
                           "bytes": Corpus.size(files), "cpu": cpu, "cpu_median": median(cpu) if cpu else None,
                           "load": os.getloadavg()[0], **extra}
        self.log(f"  {name}: {median(times):.3f} s (median of {len(times)}), load {os.getloadavg()[0]:.1f}")


def measure(scratch: Path, runs: int, heavy_runs: int, legacy_copies: int, smoke: bool, log: Log,
            clean_sample: int = 8, migration_sample: int = 8, prefilter_sample: int = 8,
            full_apply: bool = False, migration_max_bytes: int = 64_000) -> Dict[str, Any]:
    rules = all_rules()
    corpus_root = scratch / "corpus"
    log("building the corpus")
    corpus = build_corpus(corpus_root, legacy_copies, smoke)
    files = corpus.files
    log(f"  {len(files)} files, {Corpus.size(files) / 1e6:.1f} MB")
    stats = prefilter_stats(files, rules)
    log(f"  prefilter: {len(stats.triggered)} files triggered (original prefilter: {len(stats.original)})")
    record = Recorder(log)

    log("agno-migrate on the whole corpus")
    report = scratch / "check.json"
    check_j2 = agno_migrate("check", str(corpus_root), 2) + ["--output-format", "json", "-o", str(report)]
    record("agno-migrate check -j2", timed_runs(lambda: run_command(check_j2, ok=(0, 1, 2)), heavy_runs), files)
    counts, errors = findings_by_file(report)
    counts = {os.path.realpath(path): n for path, n in counts.items()}
    counts = {f: counts[os.path.realpath(f)] for f in files if os.path.realpath(f) in counts}
    errors = [f for f in files if os.path.realpath(f) in {os.path.realpath(e) for e in errors}]
    needs = [f for f in files if f in counts]
    clean_set = set(corpus.clean)
    record("agno-migrate check -j1", time_agno_migrate("check", str(corpus_root), 1, heavy_runs), files)
    if full_apply:
        apply_copy = scratch / "apply-copy"
        record("agno-migrate apply -j2 (on a fresh copy)",
               time_agno_migrate("apply", str(apply_copy), 2, heavy_runs,
                                 prepare=lambda: copy_files(files, corpus_root, apply_copy)), files)
        shutil.rmtree(apply_copy, ignore_errors=True)

    log("floors")
    record("startup: agno-migrate check on one tiny file", *startup_time(runs, scratch))
    record("read every file", read_floor(files, runs), files)
    grep_times, grep_matches = grep_floor(str(corpus_root), rules, runs)
    record("grep -rlF every trigger string", grep_times, files, matches=grep_matches)
    record("read + prefilter every file (in process)", prefilter_floor(files, rules, runs), files)
    record("LibCST parse of the prefiltered files", parse_floor(stats.triggered, runs), stats.triggered)
    record("LibCST parse + codegen of the files needing migration", parse_floor(needs, runs, codegen=True), needs)
    record("LibCST parse of every file", parse_floor(files, heavy_runs), files)

    log("clean files only (no file needs migration)")
    untouched = [f for f in files if f not in counts and f not in errors]
    clean_copy = scratch / "clean-only"
    clean_files = copy_files(untouched, corpus_root, clean_copy)
    grep_clean, _ = grep_floor(str(clean_copy), rules, runs)
    record("grep -rlF, clean files only", grep_clean, clean_files)
    record("agno-migrate check -j1, clean files only", time_agno_migrate("check", str(clean_copy), 1, runs),
           clean_files)
    shutil.rmtree(clean_copy, ignore_errors=True)

    log("files needing migration: engine vs LibCST parse + codegen (in process, sample)")
    # Files up to migration_max_bytes: agno's agent.py and team.py (380 KB) take 20-30 s each per run.
    migration = sample_every([f for f in needs if os.path.getsize(f) <= migration_max_bytes], migration_sample)
    record("engine (migrate_source), migration sample", in_process_migrate(migration, runs), migration)
    record("LibCST parse + codegen, migration sample", parse_floor(migration, runs, codegen=True), migration)
    record("LibCST parse + one no-op pass + codegen, migration sample",
           parse_floor(migration, runs, codegen=True, one_pass=True), migration)

    log("prefilter before/after (files the original prefilter parsed for nothing)")
    false_positives = [f for f in stats.original if f not in stats.triggered and f not in counts]
    before_sample = [f for f in sample_every(false_positives, 2 * prefilter_sample) if prints_back(f)]
    before_sample = sample_every(before_sample, prefilter_sample)
    before_copy = scratch / "prefilter-sample"
    before_files = copy_files(before_sample, corpus_root, before_copy)
    original = [sys.executable, "-m", "bench.original_prefilter", "check", "--isolated", "-q", "-j", "1",
                str(before_copy)]

    def run_original() -> None:
        done = run_command(original, ok=(0, 1, 2))
        if "Traceback" in done.stderr:  # the original prefilter also parsed files LibCST cannot print
            raise RuntimeError(done.stderr[-2000:])

    record("original prefilter: check -j1, false-positive sample", timed_runs(run_original, runs), before_files)
    record("new prefilter: check -j1, false-positive sample",
           time_agno_migrate("check", str(before_copy), 1, runs), before_files)
    shutil.rmtree(before_copy, ignore_errors=True)

    log("agno-migrate vs libcst.tool on samples")
    # Typical-size clean files (4-32 KB; the corpus averages 14 KB): libcst.tool takes ~0.2 ms per byte.
    typical = [f for f in corpus.clean if 4_000 <= os.path.getsize(f) <= 32_000] or corpus.clean
    samples = {
        "clean sample": sample_every(typical, clean_sample),
        "legacy/ x1": [f for f in corpus.legacy if Path(f).relative_to(corpus_root).parts[0] == "legacy_00"],
    }
    comparison: Dict[str, Any] = {}
    for label, sample in samples.items():
        row: Dict[str, Any] = {"files": len(sample), "bytes": Corpus.size(sample),
                               "needs_migration": len([f for f in sample if f in counts]),
                               "parse": median(parse_floor(sample, runs))}
        copy = scratch / "sample"
        copy_files(sample, corpus_root, copy)
        def keep(name: str, times: Times) -> None:
            row[name] = list(times)
            row[f"{name} cpu"] = list(times.cpu)

        for jobs in (1, 2):
            keep(f"agno-migrate check -j{jobs}", time_agno_migrate("check", str(copy), jobs, runs))
        keep("agno-migrate apply -j1", time_agno_migrate("apply", str(copy), 1, runs,
                                                         prepare=lambda: copy_files(sample, corpus_root, copy)))
        for jobs in (1, 2):
            keep(f"libcst.tool -j{jobs}", time_libcst_tool(rules, sample, corpus_root, scratch, jobs, runs))
            log(f"  {label}: libcst.tool -j{jobs} {median(row[f'libcst.tool -j{jobs}']):.2f} s, "
                f"agno-migrate check -j{jobs} {median(row[f'agno-migrate check -j{jobs}']):.2f} s")
        comparison[label] = row
        shutil.rmtree(copy, ignore_errors=True)

    return {
        "runs": runs,
        "heavy_runs": heavy_runs,
        "corpus": {"files": len(files), "bytes": Corpus.size(files), "groups": corpus.groups,
                   "legacy_copies": legacy_copies, "clean_bytes": Corpus.size(corpus.clean),
                   "legacy_bytes": Corpus.size(corpus.legacy), "clean_files": len(corpus.clean),
                   "legacy_files": len(corpus.legacy)},
        "prefilter": {"triggered": len(stats.triggered), "triggered_bytes": Corpus.size(stats.triggered),
                      "original": len(stats.original), "original_bytes": Corpus.size(stats.original),
                      "rule_files": stats.rule_files, "false_positives_removed": len(false_positives)},
        "needs_migration": {"files": len(needs), "bytes": Corpus.size(needs),
                            "clean": len([f for f in needs if f in clean_set]),
                            "legacy": len([f for f in needs if f not in clean_set]),
                            "findings": sum(counts.values()), "errors": len(errors)},
        "trigger_strings": trigger_strings(rules),
        "timings": record.rows,
        "libcst_tool": comparison,
        "libcst_tool_config": (REPO / ".libcst.codemod.yaml").exists(),
    }
