"""asyncio.TaskGroup against asyncio.gather: the cost of fanning out N tasks.

The migration plan claims "TaskGroup should be faster" than ``gather``.  This
measures what the two cost per task, for N = 10, 100, 1,000 and 10,000 tasks,
on two workloads:

* ``no-op``: each task returns at its first step (pure scheduling overhead);
* ``one yield``: each task awaits ``asyncio.sleep(0)`` once (the loop runs
  every task twice, like a fan-out over calls that wait).

``gather`` is ``await asyncio.gather(*(work() for _ in range(n)))``;
``TaskGroup`` is ``async with asyncio.TaskGroup() as tg`` with one
``tg.create_task(work())`` per task.  Both run on one event loop.

Each sample times one batch of ``reps`` fan-outs (``reps`` makes a sample
about ``--tasks-per-sample`` tasks, so small N are not lost in timer noise) by
wall clock (``time.perf_counter``) and by this process's CPU time
(``time.process_time``).  Runs are interleaved: every sample measures every N
with both variants, alternating which variant goes first, so drift in the
machine's load hits both alike.  Reported per N: the median per-task cost of
each variant and, pairing the two measurements of each sample, the median
TaskGroup/gather ratio and how many samples TaskGroup was the faster one.

Standard library only, so any interpreter can run it:
``python bench/taskgroup_vs_gather.py`` (also ``python -m bench.taskgroup_vs_gather``
and ``bash scripts/bench taskgroup``); ``--python PATH`` (repeatable) runs the
same measurement under other interpreters, one subprocess each, and reports
them side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from typing import Any, Callable, Coroutine, Dict, List, Optional, Sequence

NS = (10, 100, 1_000, 10_000)
Work = Callable[[], Coroutine[Any, Any, None]]
VARIANTS = ("gather", "TaskGroup")


async def noop() -> None:
    return None


async def one_yield() -> None:
    await asyncio.sleep(0)


WORKLOADS: Dict[str, Work] = {"no-op": noop, "one yield": one_yield}


async def fan_out_gather(work: Work, n: int) -> None:
    await asyncio.gather(*(work() for _ in range(n)))


async def fan_out_task_group(work: Work, n: int) -> None:
    async with asyncio.TaskGroup() as tg:
        for _ in range(n):
            tg.create_task(work())


FAN_OUTS = {"gather": fan_out_gather, "TaskGroup": fan_out_task_group}


async def _sample(variant: str, work: Work, n: int, reps: int) -> Dict[str, float]:
    fan_out = FAN_OUTS[variant]
    gc.collect()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(reps):
        await fan_out(work, n)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    tasks = n * reps
    return {"wall_us": wall / tasks * 1e6, "cpu_us": cpu / tasks * 1e6}


async def _measure(ns: Sequence[int], samples: int, tasks_per_sample: int, warmup: int) -> Dict[str, Any]:
    raw: Dict[str, Dict[str, Dict[str, List[Dict[str, float]]]]] = {
        workload: {str(n): {variant: [] for variant in VARIANTS} for n in ns} for workload in WORKLOADS
    }
    for index in range(-warmup, samples):
        for workload, work in WORKLOADS.items():
            for n in ns:
                reps = max(1, tasks_per_sample // n)
                order = VARIANTS if index % 2 == 0 else VARIANTS[::-1]
                for variant in order:
                    result = await _sample(variant, work, n, reps)
                    if index >= 0:
                        raw[workload][str(n)][variant].append(result)
    return raw


def summarize(raw: Dict[str, Any]) -> Dict[str, Any]:
    """Medians per variant and paired TaskGroup/gather ratios per sample."""
    out: Dict[str, Any] = {}
    for workload, by_n in raw.items():
        out[workload] = {}
        for n, by_variant in by_n.items():
            gather, group = by_variant["gather"], by_variant["TaskGroup"]
            row: Dict[str, Any] = {"samples": len(gather)}
            for metric in ("wall_us", "cpu_us"):
                row[f"gather_{metric}"] = statistics.median(s[metric] for s in gather)
                row[f"taskgroup_{metric}"] = statistics.median(s[metric] for s in group)
                ratios = [t[metric] / g[metric] for g, t in zip(gather, group) if g[metric] > 0]
                row[f"ratio_{metric}"] = statistics.median(ratios) if ratios else float("nan")
                row[f"taskgroup_faster_{metric}"] = sum(t[metric] < g[metric] for g, t in zip(gather, group))
            out[workload][n] = row
    return out


def measure(ns: Sequence[int], samples: int, tasks_per_sample: int, warmup: int = 1) -> Dict[str, Any]:
    load_before = os.getloadavg()
    started = time.perf_counter()
    raw = asyncio.run(_measure(ns, samples, tasks_per_sample, warmup))
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "loadavg_before": load_before, "loadavg_after": os.getloadavg()},
        "ns": list(ns),
        "samples": samples,
        "tasks_per_sample": tasks_per_sample,
        "seconds": time.perf_counter() - started,
        "summary": summarize(raw),
        "raw": raw,
    }


def _fmt_ratio(ratio: float) -> str:
    return f"{ratio:.2f}x"


def render(results: Sequence[Dict[str, Any]]) -> str:
    """A markdown table per interpreter."""
    lines: List[str] = []
    for result in results:
        machine = result["machine"]
        lines.append(
            f"Python {result['python']} ({result['implementation']}), {machine['cpus']} CPUs, "
            f"{result['samples']} interleaved samples of ~{result['tasks_per_sample']:,} tasks per variant and N, "
            f"load average {machine['loadavg_before'][0]:.2f} before / {machine['loadavg_after'][0]:.2f} after, "
            f"{result['seconds']:.0f} s in all."
        )
        lines.append("")
        lines.append("| workload | N | gather wall µs/task | TaskGroup wall µs/task | TaskGroup/gather wall "
                     "| gather CPU µs/task | TaskGroup CPU µs/task | TaskGroup/gather CPU | TaskGroup faster (CPU) |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for workload, by_n in result["summary"].items():
            for n, row in by_n.items():
                lines.append(
                    f"| {workload} | {int(n):,} | {row['gather_wall_us']:.2f} | {row['taskgroup_wall_us']:.2f} "
                    f"| {_fmt_ratio(row['ratio_wall_us'])} | {row['gather_cpu_us']:.2f} | {row['taskgroup_cpu_us']:.2f} "
                    f"| {_fmt_ratio(row['ratio_cpu_us'])} | {row['taskgroup_faster_cpu_us']}/{row['samples']} |"
                )
        lines.append("")
    lines.append("Ratios are medians of the per-sample ratios (below 1: TaskGroup cheaper).  "
                 "\"TaskGroup faster\": samples in which TaskGroup used less CPU than gather.")
    return "\n".join(lines) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--ns", default=",".join(str(n) for n in NS), help="comma-separated N (default 10,100,1000,10000)")
    parser.add_argument("--samples", type=int, default=None, help="interleaved samples (default 15, smoke 3)")
    parser.add_argument("--tasks-per-sample", type=int, default=None,
                        help="tasks timed per sample and variant (default 20000, smoke 2000)")
    parser.add_argument("--smoke", action="store_true", help="a quick run on few samples")
    parser.add_argument("--python", action="append", default=[], metavar="PATH",
                        help="also run under this interpreter (repeatable; 3.11+)")
    parser.add_argument("--json", default=None, metavar="PATH", help="write every measurement here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    ns = [int(n) for n in args.ns.split(",")]
    samples = args.samples or (3 if args.smoke else 15)
    tasks = args.tasks_per_sample or (2_000 if args.smoke else 20_000)
    if args.worker:
        print(json.dumps(measure(ns, samples, tasks)))
        return 0
    results = [measure(ns, samples, tasks)]
    for python in args.python:
        command = [python, os.path.abspath(__file__), "--worker", "--ns", args.ns, "--samples", str(samples),
                   "--tasks-per-sample", str(tasks)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
        if done.returncode != 0:
            print(f"taskgroup_vs_gather: {python} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
            return 2
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=1)
    sys.stdout.write(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
