"""``scripts/bench --smoke`` runs end to end and writes a report with every table.

No timing is asserted: the smoke run uses tiny inputs and one run each, and
the machine is shared.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

HEADINGS = [
    "## Machine",
    "## Targets",
    "## Part 1: codemod throughput",
    "### Prefilter: files LibCST parses",
    "### Whole corpus: agno-migrate against the floors",
    "### Clean files only",
    "### Files that need migration",
    "### agno-migrate and `python -m libcst.tool codemod`",
    "## Part 2: the Financial Assistant with simulated latencies",
    "### One run, short report",
    "### One run, long report",
    "### N concurrent runs",
]

TABLE_HEADERS = [
    "| Target (from the issue) | Measured | Verdict |",
    "| Part | Files | MB |",
    "| Rule | Files triggered now | With the original prefilter |",
    "| Before/after, on files the original prefilter parsed for nothing |",
    "| Measurement | Files | MB | runs | Median | CPU | Load | Files/s | MB/s | x grep floor | x parse every file |",
    "| Measurement | Files | runs | Median | CPU | Load | Files/s | x grep floor |",
    "| Measurement | Files | MB | runs | Median | CPU | x parse + codegen | (CPU) |",
    "| Sample | Files | MB | Need migration | runs | check -j1 |",
    "| Variant | runs | Time to first response |",
    "| N | Variant | runs | Wall time |",
]

ROWS = [
    "| agno-migrate check -j1 |",
    "| agno-migrate check -j2 |",
    "| agno-migrate apply -j2 (on a fresh copy) |",
    "| grep -rlF every trigger string |",
    "| read every file |",
    "| LibCST parse of every file |",
    "| LibCST parse + codegen of the files needing migration |",
    "| clean sample |",
    "| legacy/ x1 |",
    "| legacy run |",
    "| migrated run |",
    "| migrated arun |",
    "| legacy run x N threads |",
    "| migrated arun x N on one loop |",
    "seed plan: \"2-5x faster\"",
    "seed plan: \"~95% less memory vs ThreadPoolExecutor\"",
]


def test_smoke_run_writes_every_table(tmp_path: Path) -> None:
    output = tmp_path / "results.md"
    env = dict(os.environ, AGNO_TELEMETRY="false")
    done = subprocess.run(["bash", str(REPO / "scripts" / "bench"), "--smoke", "--output", str(output)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    report = output.read_text()
    for heading in HEADINGS:
        assert f"\n{heading}\n" in report, f"missing section {heading!r}"
    for header in TABLE_HEADERS:
        assert header in report, f"missing table {header!r}"
    for row in ROWS:
        assert row in report, f"missing row {row!r}"
    for field in ("CPU", "Cores", "Python", "libcst / agno / pydantic"):
        assert f"| {field} |" in report
    assert "Smoke run" in report
    assert "n/a |" not in report.split("## Part 1")[0], "a target could not be computed"
