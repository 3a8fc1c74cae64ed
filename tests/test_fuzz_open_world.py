"""Open-world differential fuzzing: generated legacy workflows, handled spellings or not.

:mod:`tests.open_world.generator` draws legacy workflows mixing what the rules
handle with what they do not (other event-loop bridges, other helper names
and placements, subflows driven from outside the class, semantic traps);
:func:`tests.open_world.oracle.check_case` decides whether what the codemods
make of each one is acceptable: the migrated code keeps parity with the
legacy code (run and arun, success and failure paths, EXTRA entry points),
or the affected code is left unchanged with a ``[left alone]`` finding.

* ``test_open_world`` - 10 derandomized examples (fast);
* ``test_open_world_many`` (slow) - SHARDS x PER_SHARD examples from the
  fixed seeds 0..SHARDS-1, in two worker processes (one per core);
* the generator's own checks (every spelling is reached, every case runs as
  legacy code) and the oracle's (it catches deliberately broken migrations).

A failing example is shrunk by Hypothesis (for at most SHRINK_SECONDS, after
which the smallest failing case found so far is reported) and printed with
its legacy source and the oracle's problems.  ``docs/open-world-fuzz.md``
documents the spellings, the property and the timings.

``python -m tests.test_fuzz_open_world survey [SEEDS] [PER_SEED]`` runs the
slow test's examples without stopping at the first failure and prints how
many pass and fail, grouped by problem kind and spelling.
"""

from __future__ import annotations

import os

os.environ.setdefault("AGNO_TELEMETRY", "false")

import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable, Dict, List, Optional, Set, Tuple  # noqa: E402

import pytest  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from codemods import engine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
from tests.open_world import oracle  # noqa: E402
from tests.open_world.generator import (  # noqa: E402
    BODIES,
    BRIDGES,
    HELPER_NAMES,
    HELPERS,
    SUBFLOW_NAMES,
    Branch,
    Spec,
    case_source,
    legacy_problems,
    render_workflow,
    specs,
    write_case,
)

HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
FAST_EXAMPLES = 10
SHARDS = 8
#: Examples per seed: 20 in CI (160 in all, half of them with --unsafe-fixes);
#: AGNO_MIGRATE_FUZZ_PER_SEED=38 runs the full 304 of the earlier rounds.
PER_SHARD = int(os.environ.get("AGNO_MIGRATE_FUZZ_PER_SEED", "20"))
SHRINK_SECONDS = 60.0

# -- running one example under a bounded shrink ----------------------------------------------------


class _Runner:
    """Checks specs with the oracle; after the first failure, shrinking gets ``budget`` seconds.

    Once the budget is spent, a spec not seen before counts as passing without
    being run, so Hypothesis stops shrinking quickly and reports the smallest
    failing spec found so far (results of seen specs are replayed from a cache,
    so the report is a genuine failure).
    """

    def __init__(self, base: Path, budget: float) -> None:
        self.base = base
        self.budget = budget
        self.first_failure: Optional[float] = None
        self.cache: Dict[Spec, Optional[str]] = {}
        self.count = 0

    def __call__(self, spec: Spec) -> None:
        if spec not in self.cache:
            if self.first_failure is not None and time.monotonic() - self.first_failure > self.budget:
                return
            self.cache[spec] = self._check(spec)
        failure = self.cache[spec]
        if failure is not None:
            if self.first_failure is None:
                self.first_failure = time.monotonic()
            raise AssertionError(failure)

    def _check(self, spec: Spec) -> Optional[str]:
        self.count += 1
        case = write_case(spec, self.base / "cases")
        # Every other example as `apply --unsafe-fixes` (the TaskGroup and unseen-agent fixes
        # made), the rest as plain `apply` (those held back): both must keep parity.
        unsafe = self.count % 2 == 0
        report = oracle.examine_case(case, self.base / "work", unsafe_fixes=unsafe)
        if not report.ok:
            report.problems.insert(0, f"[mode] migrated with unsafe_fixes={unsafe}")
        if report.ok:
            return None
        return failure_message(spec, case, report)


def failure_message(spec: Spec, case: Path, report: oracle.CaseReport) -> str:
    left = [f.format() for f in report.left_alone]
    return "\n".join([
        f"the oracle found {len(report.problems)} problem(s) ({', '.join(report.kinds)}); "
        f"classification: {report.classification}; spellings: {', '.join(spec.classes)}",
        "",
        "---- legacy source",
        case_source(case),
        "---- oracle problems",
        *report.problems,
        "---- [left alone] findings",
        *(left or ["(none)"]),
    ])


def _base(tmp_path: Path) -> Path:
    (tmp_path / "cases").mkdir(parents=True, exist_ok=True)
    (tmp_path / "work").mkdir(parents=True, exist_ok=True)
    return tmp_path


# -- the property ----------------------------------------------------------------------------


def test_open_world(tmp_path: Path) -> None:
    runner = _Runner(_base(tmp_path), budget=10.0)

    @settings(max_examples=FAST_EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=HEALTH)
    @given(spec=specs)
    def one(spec: Spec) -> None:
        runner(spec)

    one()
    assert runner.count == FAST_EXAMPLES


def run_shard(shard: int, base: Path) -> int:
    """The slow test's examples of seed ``shard`` (hypothesis shrinks a failure); returns how many ran."""
    runner = _Runner(_base(base), budget=SHRINK_SECONDS)

    @seed(shard)
    @settings(max_examples=PER_SHARD, database=None, deadline=None, suppress_health_check=HEALTH)
    @given(spec=specs)
    def one(spec: Spec) -> None:
        runner(spec)

    one()
    return runner.count


def run_shards(shards: List[int], base: str) -> None:
    """Worker process of :func:`test_open_world_many`: every seed of ``shards`` in turn."""
    for shard in shards:
        count = run_shard(shard, Path(base) / f"seed{shard}")
        assert count >= PER_SHARD, f"seed {shard}: only {count} examples ran"
        print(f"seed {shard}: {count} examples passed", flush=True)


@pytest.mark.slow
def test_open_world_many(tmp_path: Path) -> None:
    """SHARDS x PER_SHARD examples from the fixed seeds, in two processes (one per core)."""
    code = ("import sys; from tests.test_fuzz_open_world import run_shards; "
            "run_shards([int(s) for s in sys.argv[1].split(',')], sys.argv[2])")
    halves = [list(range(SHARDS))[start::2] for start in (0, 1)]
    processes = [
        subprocess.Popen([sys.executable, "-c", code, ",".join(map(str, half)), str(tmp_path / f"worker{n}")],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         env={**os.environ, "AGNO_TELEMETRY": "false"})
        for n, half in enumerate(halves)
    ]
    outputs = [process.communicate(timeout=3000)[0] for process in processes]
    for half, process, output in zip(halves, processes, outputs):
        assert process.returncode == 0, f"seeds {half} failed:\n{output[-30000:]}"
        assert output.count("examples passed") == len(half), output[-3000:]


# -- the generator ---------------------------------------------------------------------------


def _features(spec: Spec) -> Set[tuple]:
    seen: Set[tuple] = set()
    seen.update(("bridge", b.bridge) for b in spec.uses_bridges())
    seen.update(("body", b.body) for b in spec.subflow_branches())
    seen.update(("name", b.name) for b in spec.subflow_branches())
    seen.update(("item", b.item) for b in spec.subflow_branches())
    seen.update({("shape", spec.shape), ("helper", spec.helper), ("routing", spec.routing),
                 ("alias", spec.asyncio_alias), ("run", spec.run_spelling), ("annotate", spec.annotate),
                 ("future", spec.future), ("comments", spec.comments)})
    if spec.helper not in ("module",):
        seen.add(("helper_name", spec.helper_name))
    if spec.outside_target() is not None:
        seen.update({("outside_function", spec.outside_function), ("outside_class", spec.outside_class)})
    seen.update(("bridge+body", b.bridge, b.body) for b in spec.uses_bridges() if b in spec.subflow_branches())
    if len(spec.uses_bridges()) > 1:
        seen.add(("several bridges", True))
    return seen


def test_generator_covers_every_spelling() -> None:
    """The strategy reaches every spelling it claims to, and every rendering compiles."""
    seen: Set[tuple] = set()

    @settings(max_examples=400, derandomize=True, database=None, deadline=None)
    @given(spec=specs)
    def collect(spec: Spec) -> None:
        compile(render_workflow(spec), "<generated>", "exec")
        seen.update(_features(spec))

    collect()
    expected: Set[tuple] = {("bridge", b) for b in BRIDGES} | {("body", b) for b in BODIES}
    expected |= {("name", n) for n in SUBFLOW_NAMES} | {("helper", h) for h in HELPERS}
    expected |= {("helper_name", n) for n in HELPER_NAMES} | {("item", "event"), ("item", "response")}
    expected |= {("shape", "run"), ("shape", "arun"), ("routing", "keyword"), ("routing", "agent")}
    expected |= {("alias", "asyncio"), ("alias", "aio")} | {("run", r) for r in ("module", "from", "from_as")}
    expected |= {("annotate", a) for a in ("event", "response", "none")}
    expected |= {(name, flag) for name in ("future", "comments", "outside_function", "outside_class")
                 for flag in (True, False)}
    expected |= {("several bridges", True), ("bridge+body", "try_except", "partial"),
                 ("bridge+body", "inline", "partial")}
    assert expected <= seen, sorted(expected - seen)


def _every_spelling() -> List[Spec]:
    """Specs that together use every bridge, body, name, helper and shape at least once."""
    out: List[Spec] = []
    for shape in ("run", "arun"):
        for index, bridge in enumerate(BRIDGES):
            out.append(Spec(
                branches=(Branch(bridge, BODIES[index % len(BODIES)], SUBFLOW_NAMES[index % len(SUBFLOW_NAMES)], "event"),
                          Branch(BRIDGES[(index + 3) % len(BRIDGES)], BODIES[(index + 1) % len(BODIES)],
                                 "run_flow", "response")),
                shape=shape, helper=HELPERS[index % len(HELPERS)], helper_name=HELPER_NAMES[index % len(HELPER_NAMES)],
                asyncio_alias=("asyncio", "aio")[index % 2], run_spelling=("module", "from", "from_as")[index % 3],
                routing=("agent", "keyword")[index % 2], outside_function=True, outside_class=True,
                annotate=("event", "response", "none")[index % 3], future=bool(index % 2), comments=True,
            ))
    return out


def test_generated_cases_run_as_legacy_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every spelling works as LEGACY code on agno 1.8.4: run() from sync code, success and failure paths."""
    monkeypatch.syspath_prepend(str(tmp_path))
    problems: List[str] = []
    for spec in _every_spelling():
        case = write_case(spec, tmp_path)
        problems += [f"{spec.classes}: {p}" for p in legacy_problems(case)]

    @settings(max_examples=25, derandomize=True, database=None, deadline=None, suppress_health_check=HEALTH)
    @given(spec=specs)
    def drawn(spec: Spec) -> None:
        case = write_case(spec, tmp_path)
        found = legacy_problems(case)
        assert found == [], "\n".join(found) + "\n\n" + case_source(case)

    drawn()
    assert problems == []


# -- the oracle catches breakage ---------------------------------------------------------------------

#: A case the codemods migrate (handled spellings only) and one they must leave alone.
HANDLED = Spec(
    branches=(Branch("two_line", "tool", "run_flow", "event"), Branch("for", "stream", "run_flow", "response")),
    shape="run", helper="method", helper_name="_collect_async_responses", asyncio_alias="asyncio",
    run_spelling="module", routing="keyword", outside_function=False, outside_class=False, annotate="event",
    future=False, comments=False,
)
UNHANDLED = replace(HANDLED, branches=(Branch("new_loop", "tool", "stream", "response"),))


def _broken(monkeypatch: pytest.MonkeyPatch, corrupt: Callable[[engine.FileResult], engine.FileResult],
            every_pass: bool = False) -> None:
    """Make the oracle's migration of workflow.py return ``corrupt`` of the real result.

    Only the first run over the package (the oracle's second run checks
    idempotency) unless ``every_pass``.
    """
    real = engine.run
    calls = []

    def run(paths, rules, **kwargs) -> List[engine.FileResult]:
        results = real(paths, rules, **kwargs)
        calls.append(paths)
        if len(calls) > 1 and not every_pass:
            return results
        return [corrupt(r) if r.path.endswith("workflow.py") else r for r in results]

    monkeypatch.setattr(engine, "run", run)


def _rewrite(old: str, new: str, count: int = -1) -> Callable[[engine.FileResult], engine.FileResult]:
    def corrupt(result: engine.FileResult) -> engine.FileResult:
        text = (result.migrated or b"").decode()
        assert old in text, f"{old!r} not in the migration:\n{text}"
        return replace(result, migrated=text.replace(old, new, count).encode())

    return corrupt


def _problems(spec: Spec, tmp_path: Path, timeout: float = oracle.DEFAULT_TIMEOUT) -> List[str]:
    case = write_case(spec, _base(tmp_path) / "cases")
    return oracle.check_case(case, tmp_path / "work", timeout=timeout)


def test_oracle_accepts_a_sound_migration(tmp_path: Path) -> None:
    report = oracle.examine_case(write_case(HANDLED, _base(tmp_path) / "cases"), tmp_path / "work")
    assert report.problems == [] and report.classification == "migrated"


def test_oracle_accepts_code_left_alone_with_a_finding(tmp_path: Path) -> None:
    """The toolkit refuses the new_event_loop bridge: unchanged output, [left alone] findings."""
    report = oracle.examine_case(write_case(UNHANDLED, _base(tmp_path) / "cases"), tmp_path / "work")
    assert report.left_alone, "the codemods should leave a new_event_loop bridge alone"
    assert report.problems == []


@pytest.mark.parametrize("name, spec, corrupt, kind", [
    ("recursion", HANDLED, _rewrite("yield from self._run_b0_flow(message)", "yield from self.run(message)"), "parity"),
    ("renamed method", HANDLED, _rewrite("def _run_b1_flow(", "def _run_b1_flow_renamed("), "parity"),
    ("not idempotent", HANDLED, lambda r: replace(r, migrated=(r.migrated or b"") + b"#\n"), "idempotency"),
    ("rule error", HANDLED, lambda r: replace(r, error="AGM002 failed: KeyError: 'x'"), "rule-error"),
    ("syntax error", HANDLED, _rewrite("def run(", "def run(("), "compile"),
    ("dropped finding", UNHANDLED, lambda r: replace(r, findings=[f for f in r.findings if f.fixed]), "missed-bridge"),
    ("finding on the wrong line", UNHANDLED,
     lambda r: replace(r, findings=[replace(f, line=1) for f in r.findings]), "missed-bridge"),
    ("hang", HANDLED, _rewrite("def run(self, message: str) -> Iterator[RunResponse]:\n",
                               "def run(self, message: str) -> Iterator[RunResponse]:\n        while True: pass\n", 1),
     "timeout"),
])
def test_oracle_catches_broken_migration(name: str, spec: Spec, corrupt, kind: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _broken(monkeypatch, corrupt, every_pass=kind == "idempotency")
    problems = _problems(spec, tmp_path, timeout=5.0 if kind == "timeout" else oracle.DEFAULT_TIMEOUT)
    assert any(p.startswith(f"[{kind}]") for p in problems), f"{name}: {problems}"


def test_oracle_catches_a_broken_extra_entry_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The (fake) migration renames a subflow the outside caller still iterates: run/arun keep parity."""
    spec = replace(HANDLED, outside_function=True)

    def rename_inside_only(result: engine.FileResult) -> engine.FileResult:
        text = (result.migrated or b"").decode().replace("_run_b0_flow(", "_renamed_b0_flow(")
        return replace(result, migrated=text.replace("workflow._renamed_b0_flow(", "workflow._run_b0_flow(").encode())

    _broken(monkeypatch, rename_inside_only)
    problems = _problems(spec, tmp_path)
    assert any(p.startswith("[extra] outside_function") for p in problems), problems


# -- the survey (not a test): how many examples pass, grouped by failure class -----------------------


def survey_seed(shard: int, examples: int, base: Path) -> List[dict]:
    """Every example of the slow test's seed ``shard``, checked without stopping at failures."""
    _base(base)
    rows: List[dict] = []

    @seed(shard)
    @settings(max_examples=examples, database=None, deadline=None, suppress_health_check=HEALTH,
              phases=[Phase.generate])
    @given(spec=specs)
    def one(spec: Spec) -> None:
        case = write_case(spec, base / "cases")
        started = time.monotonic()
        report = oracle.examine_case(case, base / "work")
        rows.append({"seed": shard, "spec": repr(spec), "classes": list(spec.classes),
                     "classification": report.classification, "kinds": report.kinds,
                     "problems": report.problems, "left_alone": len(report.left_alone),
                     "seconds": round(time.monotonic() - started, 2), "case": str(case)})

    one()
    return rows


def _survey_main(argv: List[str]) -> None:
    seeds = int(argv[0]) if argv else SHARDS
    per = int(argv[1]) if len(argv) > 1 else PER_SHARD
    out = Path(argv[2]) if len(argv) > 2 else Path(tempfile.mkdtemp(prefix="open-world-survey-"))
    shards = [int(s) for s in argv[3].split(",")] if len(argv) > 3 else list(range(seeds))
    for shard in shards:
        rows = survey_seed(shard, per, out / f"seed{shard}")
        with open(out / "survey.jsonl", "a") as handle:
            for row in rows:
                handle.write(json.dumps(row) + "\n")
        print(f"seed {shard}: {sum(not r['problems'] for r in rows)} pass / {len(rows)}", flush=True)
    print(f"results in {out / 'survey.jsonl'}")


def summarize(rows: List[dict]) -> str:
    """Pass/fail counts, by problem kind and by spelling."""
    passed = [r for r in rows if not r["problems"]]
    lines = [f"{len(passed)} pass / {len(rows) - len(passed)} fail of {len(rows)} examples",
             f"classification: {Counter(r['classification'] for r in rows)}",
             f"passing: {Counter(r['classification'] for r in passed)}"]
    by_kind: Dict[str, int] = Counter(k for r in rows for k in r["kinds"])
    lines.append(f"problem kinds: {dict(by_kind)}")
    per_class: Dict[str, Tuple[int, int]] = defaultdict(lambda: (0, 0))
    for row in rows:
        for label in row["classes"]:
            ok, bad = per_class[label]
            per_class[label] = (ok + (not row["problems"]), bad + bool(row["problems"]))
    for label in sorted(per_class):
        ok, bad = per_class[label]
        lines.append(f"  {label:28} pass {ok:4} fail {bad:4}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:2] == ["survey"]:
        _survey_main(sys.argv[2:])
    elif sys.argv[1:2] == ["summarize"]:
        print(summarize([json.loads(line) for line in open(sys.argv[2])]))
    else:
        print(__doc__)
