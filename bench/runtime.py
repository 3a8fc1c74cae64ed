"""Part 2: the Financial Assistant before and after migration, with simulated latencies.

Everything runs offline on agno's real ``Agent``/``Workflow`` machinery with the
deterministic :class:`~codemods.parity.fake_model.ScriptedModel` (the responder
of ``tests/conftest.py``): each model call sleeps ``model`` seconds before its
first chunk (time to first token) and ``chunk`` seconds before every further
word; each data tool sleeps its own latency.  Sleeps are ``time.sleep`` on sync
paths and ``asyncio.sleep`` on async ones, exactly like a slow provider.

Measured for the report flow ("Please write a report on AAPL": router agent,
symbol agent, three data tools fetched concurrently, streamed report):

* time to first response and total wall time of legacy ``run``, migrated
  ``run`` and migrated ``arun``, against the critical path (the sum of the
  sequential latencies plus the slowest of the three parallel tool calls);
* peak memory of one run (``tracemalloc``);
* N concurrent runs: N migrated ``arun`` on one event loop vs N threads each
  running legacy ``run`` (and, for reference, migrated ``run``), each in a
  fresh subprocess: wall time, median time to first response, ``tracemalloc``
  peak and the process's peak RSS growth (which, unlike ``tracemalloc``,
  includes thread stacks).

``python -m bench.runtime concurrency ...`` is the subprocess entry point.
"""

from __future__ import annotations

import os

os.environ.setdefault("AGNO_TELEMETRY", "false")

import argparse  # noqa: E402
import asyncio  # noqa: E402
import gc  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MESSAGE = "Please write a report on AAPL"


@dataclass(frozen=True)
class Profile:
    """Simulated latencies (seconds) and the length of the streamed report."""

    model: float  # before the first chunk of every model call
    chunk: float  # before every further chunk (one word)
    tools: Dict[str, float] = field(default_factory=dict)
    report_words: Optional[int] = None  # None: the tests' responder (19 words)

    def critical_path(self, chunks: int) -> float:
        """router + symbol agent + slowest tool + streamed report (first chunk, then one per word)."""
        return 3 * self.model + max(self.tools.values()) + max(chunks - 1, 0) * self.chunk


TOOLS_FULL = {"get_income_statement": 0.10, "get_company_financials": 0.20, "get_stock_price": 0.15}
TOOLS_SMOKE = {"get_income_statement": 0.002, "get_company_financials": 0.004, "get_stock_price": 0.003}

PROFILES: Dict[str, Dict[str, Profile]] = {
    "full": {
        "short report": Profile(model=0.1, chunk=0.01, tools=TOOLS_FULL),
        "long report": Profile(model=0.1, chunk=0.01, tools=TOOLS_FULL, report_words=250),
    },
    "smoke": {
        "short report": Profile(model=0.002, chunk=0.0005, tools=TOOLS_SMOKE),
        "long report": Profile(model=0.002, chunk=0.0005, tools=TOOLS_SMOKE, report_words=40),
    },
}
CONCURRENCY_PROFILE = "short report"

VARIANTS: Dict[str, Tuple[str, str]] = {  # label -> (package, entry point)
    "legacy run": ("legacy", "run"),
    "migrated run": ("migrated", "run"),
    "migrated arun": ("migrated", "arun"),
}
CONCURRENCY_VARIANTS: Dict[str, Tuple[str, str]] = {
    "legacy run x N threads": ("legacy", "threads"),
    "migrated run x N threads": ("migrated", "threads"),
    "migrated arun x N on one loop": ("migrated", "loop"),
}

FILLER = (
    "Revenue growth was steady across the period and margins held up well against the sector. "
    "Cash generation remained strong, which leaves room for buybacks and further investment. "
    "The balance sheet carries moderate leverage and no refinancing is due in the near term. "
)


def responder_for(profile: Profile) -> Callable[[str, str], str]:
    """The tests' Financial Assistant responder, with the report padded to ``report_words``."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.conftest import financial_responder

    if profile.report_words is None:
        return financial_responder
    words = profile.report_words

    def responder(user: str, system: str) -> str:
        answer = financial_responder(user, system)
        if "financial report" not in system:
            return answer
        text = answer
        while len(text.split(" ")) < words:
            text += " " + FILLER.strip()
        return " ".join(text.split(" ")[:words])

    return responder


def make_workflow(package: str, profile: Profile) -> Any:
    from codemods.parity.fake_model import ScriptedModel

    module = importlib.import_module(f"{package}.financial_assistant")
    model = ScriptedModel(responder=responder_for(profile), latency=profile.model, chunk_latency=profile.chunk)
    tools = module.FinancialDataTools(latencies=dict(profile.tools))
    return module.FinancialAssistant(model=model, tools=tools, telemetry=False)


@dataclass
class RunTiming:
    first: float  # seconds to the first yielded item with content
    total: float
    items: int


def consume_sync(workflow: Any, start: Optional[float] = None) -> RunTiming:
    start = time.perf_counter() if start is None else start
    first: Optional[float] = None
    items = 0
    for item in workflow.run(message=MESSAGE):
        if first is None and getattr(item, "content", None):
            first = time.perf_counter() - start
        items += 1
    total = time.perf_counter() - start
    return RunTiming(first if first is not None else total, total, items)


async def consume_async(workflow: Any, start: Optional[float] = None) -> RunTiming:
    start = time.perf_counter() if start is None else start
    first: Optional[float] = None
    items = 0
    async for item in workflow.arun(message=MESSAGE):
        if first is None and getattr(item, "content", None):
            first = time.perf_counter() - start
        items += 1
    total = time.perf_counter() - start
    return RunTiming(first if first is not None else total, total, items)


def run_once(package: str, mode: str, profile: Profile) -> RunTiming:
    workflow = make_workflow(package, profile)
    if mode == "arun":
        return asyncio.run(consume_async(workflow))
    return consume_sync(workflow)


def quiet_agno() -> None:
    logging.getLogger("agno").setLevel(logging.CRITICAL)


# -- single runs ---------------------------------------------------------------------


def single_runs(profile_name: str, runs: int) -> Dict[str, Any]:
    """TTFR, wall time and tracemalloc peak of one run of each variant, per latency profile."""
    quiet_agno()
    out: Dict[str, Any] = {}
    for scenario, profile in PROFILES[profile_name].items():
        rows: Dict[str, Any] = {}
        for label, (package, mode) in VARIANTS.items():
            run_once(package, mode, profile)  # warm-up: imports, caches
            timings = [run_once(package, mode, profile) for _ in range(runs)]
            workflow = make_workflow(package, profile)
            gc.collect()
            tracemalloc.start()
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            if mode == "arun":
                asyncio.run(consume_async(workflow))
            else:
                consume_sync(workflow)
            peak = tracemalloc.get_traced_memory()[1] - before
            tracemalloc.stop()
            items = timings[0].items
            rows[label] = {
                "first": [t.first for t in timings],
                "total": [t.total for t in timings],
                "items": items,
                "critical_path": profile.critical_path(items),
                "tracemalloc_peak": peak,
            }
        out[scenario] = {"profile": asdict(profile), "variants": rows}
    return out


# -- concurrency (one subprocess per variant and N) -----------------------------------


def _proc_status(key: str) -> int:
    with open("/proc/self/status") as handle:
        match = re.search(rf"^{key}:\s+(\d+) kB", handle.read(), re.M)
    return int(match.group(1)) * 1024 if match else 0


def _reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _concurrent_batch(package: str, how: str, n: int, profile: Profile) -> Tuple[float, List[RunTiming]]:
    workflows = [make_workflow(package, profile) for _ in range(n)]
    if how == "loop":

        async def main() -> Tuple[float, List[RunTiming]]:
            start = time.perf_counter()
            timings = await asyncio.gather(*(consume_async(w, start) for w in workflows))
            return time.perf_counter() - start, list(timings)

        return asyncio.run(main())
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n) as pool:
        timings = list(pool.map(lambda w: consume_sync(w, start), workflows))
    return time.perf_counter() - start, timings


def concurrency_worker(package: str, how: str, n: int, runs: int, profile_name: str) -> Dict[str, Any]:
    quiet_agno()
    profile = PROFILES[profile_name][CONCURRENCY_PROFILE]
    _concurrent_batch(package, how, 1, profile)  # warm-up
    gc.collect()
    reset = _reset_peak_rss()
    rss_before = _proc_status("VmRSS")
    _concurrent_batch(package, how, n, profile)
    rss_peak = _proc_status("VmHWM") - rss_before if reset else None
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    _concurrent_batch(package, how, n, profile)
    traced_peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    walls, firsts, items = [], [], 0
    for _ in range(runs):
        gc.collect()
        wall, timings = _concurrent_batch(package, how, n, profile)
        walls.append(wall)
        firsts.append(statistics.median(t.first for t in timings))
        items = timings[0].items
    return {
        "wall": walls,
        "median_first": firsts,
        "critical_path": profile.critical_path(items),
        "tracemalloc_peak": traced_peak,
        "rss_peak_growth": rss_peak,
    }


def concurrency(ns: Sequence[int], runs: int, profile_name: str, log: Callable[[str], None]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for n in ns:
        row: Dict[str, Any] = {}
        for label, (package, how) in CONCURRENCY_VARIANTS.items():
            log(f"  concurrency N={n}: {label}")
            command = [sys.executable, "-m", "bench.runtime", "concurrency", "--package", package, "--how", how,
                       "--n", str(n), "--runs", str(runs), "--profile", profile_name]
            env = dict(os.environ, AGNO_TELEMETRY="false", PYTHONPATH=str(REPO))
            done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
            if done.returncode != 0:
                raise RuntimeError(f"concurrency worker failed:\n{done.stderr[-3000:]}")
            row[label] = json.loads(done.stdout.strip().splitlines()[-1])
        out[str(n)] = row
    return out


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    worker = sub.add_parser("concurrency", help="one concurrency measurement (prints JSON)")
    worker.add_argument("--package", choices=["legacy", "migrated"], required=True)
    worker.add_argument("--how", choices=["threads", "loop"], required=True)
    worker.add_argument("--n", type=int, required=True)
    worker.add_argument("--runs", type=int, default=5)
    worker.add_argument("--profile", choices=sorted(PROFILES), default="full")
    args = parser.parse_args(argv)
    result = concurrency_worker(args.package, args.how, args.n, args.runs, args.profile)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
