"""The targets of issue #15, measured side by side (CPU time next to wall time).

Every ratio comes from interleaved runs in this one invocation: each sample
runs every variant of a measurement once, one after the other (the order
alternates from sample to sample), so a load change on the shared machine hits
both sides of a ratio alike.  A ratio is the median of the per-sample ratios;
CPU time is user + system of this process and its children.

    python -m bench.targets [--samples N] [--corpus DIR] [--markdown]

Measured:

1. ``legacy/financial_assistant/workflow.py``, every agno 1 rule, in process
   (``engine.migrate_source``, unsafe fixes on so every rule rewrites) against
   LibCST parse + codegen of the same bytes;
2. ``migrated/financial_assistant/workflow.py`` (nothing to do), the same
   engine call against LibCST parse;
3. ``agno-migrate apply`` on a copy of that legacy file against
   ``python -m libcst.tool codemod`` running the same rules one after the other
   on another copy (each a new process, as a user runs them);
4. with ``--corpus DIR`` (a tree of clean files): ``agno-migrate check -j1``
   against ``grep -rlF`` of the rules' trigger strings, and the peak RSS of
   that check against ``check`` on one small file (GNU time's maximum RSS).

``--build-corpus DIR`` makes the clean corpus of bench/results.md and exits:
the installed ``agno`` and ``pydantic`` packages and the standard library
(without ``site-packages``), each copied under DIR, minus every file the
engine reports in or refuses (with the default options).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parent.parent
LEGACY = REPO / "legacy" / "financial_assistant" / "workflow.py"
MIGRATED = REPO / "migrated" / "financial_assistant" / "workflow.py"


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(action: Callable[[], object]) -> Tuple[float, float]:
    cpu, wall = _cpu(), time.perf_counter()
    action()
    return _cpu() - cpu, time.perf_counter() - wall


def interleaved(variants: Dict[str, Callable[[], object]], samples: int,
                prepare: Optional[Callable[[], object]] = None) -> Dict[str, Dict[str, List[float]]]:
    """``{variant: {"cpu": [...], "wall": [...]}}``, one run of every variant per sample."""
    names = list(variants)
    times: Dict[str, Dict[str, List[float]]] = {name: {"cpu": [], "wall": []} for name in names}
    for sample in range(samples):
        order = names if sample % 2 == 0 else names[::-1]
        for name in order:
            if prepare is not None:
                prepare()
            cpu, wall = _timed(variants[name])
            times[name]["cpu"].append(cpu)
            times[name]["wall"].append(wall)
    return times


def ratio(times: Dict[str, Dict[str, List[float]]], top: str, bottom: str, kind: str) -> float:
    """Median of the per-sample ratios ``top / bottom``."""
    return statistics.median(a / b for a, b in zip(times[top][kind], times[bottom][kind]))


def median(times: Dict[str, Dict[str, List[float]]], name: str, kind: str) -> float:
    return statistics.median(times[name][kind])


def _env() -> Dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), AGNO_TELEMETRY="false")
    env.pop("LIBCST_TOOL_REQUIRE_CONFIG", None)
    return env


def _run(command: Sequence[str], ok: Sequence[int] = (0, 1)) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=REPO, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode not in ok:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return done


# -- 1 and 2: in process ------------------------------------------------------------


def in_process(samples: int) -> Dict[str, Dict[str, Dict[str, List[float]]]]:
    import libcst as cst

    from codemods.engine import migrate_source
    from codemods.rules import select_codes

    codes = select_codes()
    options = {"unsafe_fixes": True}
    out = {}
    for label, path in (("legacy", LEGACY), ("migrated", MIGRATED)):
        source = path.read_bytes()
        result = migrate_source(source, codes, str(path), options)  # warm-up: imports, caches
        assert result.error is None, result.error
        variants: Dict[str, Callable[[], object]] = {
            "engine": lambda s=source, p=str(path): migrate_source(s, codes, p, options),
            "parse": lambda s=source: cst.parse_module(s),
            "parse+codegen": lambda s=source: cst.parse_module(s).code,
        }
        out[label] = interleaved(variants, samples)
        out[label]["_changed"] = {"cpu": [float(result.changed)], "wall": []}
    return out


# -- 3: apply against libcst.tool ---------------------------------------------------------


def tool_commands(target: Path) -> List[List[str]]:
    from codemods.rules import load_rules, select_codes

    commands = []
    for rule in load_rules(select_codes()):
        module = rule.__module__.rsplit(".", 1)[-1]
        commands.append([sys.executable, "-m", "libcst.tool", "codemod", f"{module}.{rule.__name__}",
                         "--no-format", "--include-generated", "-j", "1", str(target)])
    return commands


def apply_vs_tool(samples: int, scratch: Path) -> Dict[str, Dict[str, List[float]]]:
    apply_dir, tool_dir = scratch / "apply", scratch / "tool"

    def prepare() -> None:
        for directory in (apply_dir, tool_dir):
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir(parents=True)
            shutil.copyfile(LEGACY, directory / "workflow.py")

    commands = tool_commands(tool_dir)

    def tool() -> None:
        for command in commands:
            _run(command, ok=(0, 1, 2))

    variants = {
        "apply": lambda: _run([sys.executable, "-m", "codemods", "apply", "--isolated", "-q", "--unsafe-fixes",
                               "-j", "1", str(apply_dir)]),
        "libcst.tool": tool,
    }
    return interleaved(variants, samples, prepare)


# -- 4: clean corpus ------------------------------------------------------------------


def grep_command(corpus: Path) -> List[str]:
    from codemods.rules import load_rules, select_codes

    command = ["grep", "-rlF", "--include=*.py"]
    for trigger in sorted({t for rule in load_rules(select_codes()) for t in rule.triggers}):
        command += ["-e", trigger]
    return command + [str(corpus)]


def max_rss_kib(command: Sequence[str]) -> int:
    """Peak RSS of ``command`` (GNU time's %M, KiB)."""
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], cwd=REPO, env=_env(),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(done.stderr.strip().splitlines()[-1])


def clean_corpus(samples: int, corpus: Path, scratch: Path) -> Dict[str, object]:
    """check -j1 on ``corpus`` against grep, interleaved; the check runs under GNU time for its peak RSS."""
    check = [sys.executable, "-m", "codemods", "check", "--isolated", "-q", "-j", "1", "--exit-zero"]
    grep = grep_command(corpus)
    small = scratch / "small"
    small.mkdir(exist_ok=True)
    (small / "clean.py").write_text("x = 1\n")
    rss: Dict[str, List[int]] = {"corpus": [], "small": []}

    def timed_check(target: Path, key: str) -> None:
        rss[key].append(max_rss_kib([*check, str(target)]))

    times = interleaved({"check": lambda: timed_check(corpus, "corpus"), "grep": lambda: _run(grep, ok=(0, 1)),
                         "check one small file": lambda: timed_check(small, "small")}, samples)
    files = sum(1 for _ in corpus.rglob("*.py"))
    size = sum(p.stat().st_size for p in corpus.rglob("*.py"))
    return {"times": times, "rss": rss, "files": files, "bytes": size}


def build_corpus(directory: Path) -> Tuple[int, int]:
    """Copy agno, pydantic and the standard library under ``directory``, then remove
    every file the engine reports in or refuses; returns (files kept, files removed)."""
    import sysconfig

    import agno
    import pydantic

    from codemods import engine
    from codemods.rules import select_codes

    sources = {"agno": Path(agno.__file__).parent, "pydantic": Path(pydantic.__file__).parent,
               "stdlib": Path(sysconfig.get_paths()["stdlib"])}
    ignore = shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc")
    for name, source in sources.items():
        shutil.copytree(source, directory / name, ignore=ignore, symlinks=True, dirs_exist_ok=True)
    results = engine.run([str(directory)], select_codes(), write=False, jobs=1)
    removed = 0
    for result in results:
        if result.findings or result.error:
            os.unlink(result.path)
            removed += 1
    return len(results) - removed, removed


# -- report ----------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def render(data: Dict[str, object], samples: int) -> str:
    lines = [f"Measured by `bash scripts/bench targets` (in process: {samples} interleaved samples; "
             "CPU = user + system of the process and its children; ratios are medians of per-sample ratios).", ""]
    lines += ["| Target (#15) | Measured: CPU | wall | Verdict |", "|---|---|---|---|"]
    inproc = data["in_process"]
    legacy, migrated = inproc["legacy"], inproc["migrated"]
    r_cpu, r_wall = ratio(legacy, "engine", "parse+codegen", "cpu"), ratio(legacy, "engine", "parse+codegen", "wall")
    lines.append(f"| legacy workflow.py, every rule: <= 20x LibCST parse + codegen | {r_cpu:.1f}x "
                 f"(engine {ms(median(legacy, 'engine', 'cpu'))}, parse + codegen "
                 f"{ms(median(legacy, 'parse+codegen', 'cpu'))}) | {r_wall:.1f}x | "
                 f"{'met' if r_cpu <= 20 else 'missed'} |")
    m_cpu, m_wall = ratio(migrated, "engine", "parse", "cpu"), ratio(migrated, "engine", "parse", "wall")
    lines.append(f"| migrated workflow.py (nothing to do): <= 3x LibCST parse | {m_cpu:.1f}x "
                 f"(engine {ms(median(migrated, 'engine', 'cpu'))}, parse {ms(median(migrated, 'parse', 'cpu'))}) | "
                 f"{m_wall:.1f}x | {'met' if m_cpu <= 3 else 'missed'} |")
    tool = data.get("apply_vs_tool")
    if tool:
        t_cpu, t_wall = ratio(tool, "libcst.tool", "apply", "cpu"), ratio(tool, "libcst.tool", "apply", "wall")
        lines.append(f"| `apply` on a file that needs migration: >= 20x faster than libcst.tool, same rules | "
                     f"{t_cpu:.1f}x (apply {ms(median(tool, 'apply', 'cpu'))}, libcst.tool "
                     f"{ms(median(tool, 'libcst.tool', 'cpu'))}) | {t_wall:.1f}x | "
                     f"{'met' if t_cpu >= 20 else 'missed'} |")
    clean = data.get("clean")
    if clean:
        times = clean["times"]
        c_cpu, c_wall = ratio(times, "check", "grep", "cpu"), ratio(times, "check", "grep", "wall")
        lines.append(f"| clean files ({clean['files']} files, {clean['bytes'] / 1e6:.1f} MB): <= 5x the grep floor | "
                     f"{c_cpu:.1f}x (check {ms(median(times, 'check', 'cpu'))}, grep "
                     f"{ms(median(times, 'grep', 'cpu'))}) | {c_wall:.1f}x | {'met' if c_cpu <= 5 else 'missed'} |")
        rss = clean["rss"]
        big, small = statistics.median(rss["corpus"]), statistics.median(rss["small"])
        lines.append(f"| peak RSS of that check <= 2x `check` on one small file | {big / small:.2f}x "
                     f"({big / 1024:.1f} MiB vs {small / 1024:.1f} MiB) | | "
                     f"{'met' if big <= 2 * small else 'missed'} |")
    return "\n".join(lines) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument("--tool-samples", type=int, default=3, help="samples of apply vs libcst.tool (slow)")
    parser.add_argument("--corpus", type=Path, default=None, help="a directory of clean files (target 4)")
    parser.add_argument("--corpus-samples", type=int, default=3, help="samples of the clean-corpus check (slow)")
    parser.add_argument("--skip-tool", action="store_true")
    parser.add_argument("--build-corpus", type=Path, default=None, metavar="DIR",
                        help="make the clean corpus (agno, pydantic, the standard library) in DIR and exit")
    args = parser.parse_args(argv)
    if args.build_corpus is not None:
        kept, removed = build_corpus(args.build_corpus)
        print(f"{args.build_corpus}: {kept} clean files ({removed} removed: reported or refused)")
        return 0
    data: Dict[str, object] = {"in_process": in_process(args.samples)}
    with tempfile.TemporaryDirectory(prefix="agno-migrate-targets-") as scratch:
        if not args.skip_tool:
            data["apply_vs_tool"] = apply_vs_tool(args.tool_samples, Path(scratch))
        if args.corpus is not None:
            data["clean"] = clean_corpus(args.corpus_samples, args.corpus, Path(scratch))
    print(render(data, args.samples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
