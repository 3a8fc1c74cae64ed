"""scripts/bench keeps what it does not write, and interleaves what it compares (no timing asserted)."""

from __future__ import annotations

from pathlib import Path

from bench.run import kept_sections, with_kept_sections
from bench.targets import interleaved, ratio

RENDERED = "# agno-migrate benchmarks\n\n## Machine\n\nnew\n\n## Targets\n\nnew targets\n"
PREVIOUS = ("# agno-migrate benchmarks\n\n## Machine\n\nold\n\n"
            "## The migration plan's performance claims, measured (#17)\n\n### `asyncio.TaskGroup` vs "
            "`asyncio.gather`\n\n| a | b |\n\n## Targets\n\nold targets\n\n## Issue #15 targets\n\nmeasured\n")


def test_sections_the_renderer_does_not_write_are_kept_in_order() -> None:
    kept = kept_sections(PREVIOUS, RENDERED)
    assert kept.startswith("## The migration plan's performance claims, measured (#17)")
    assert "### `asyncio.TaskGroup` vs `asyncio.gather`" in kept and kept.endswith("## Issue #15 targets\n\nmeasured")
    assert "old targets" not in kept and "old\n" not in kept


def test_with_kept_sections(tmp_path: Path) -> None:
    output = tmp_path / "results.md"
    assert with_kept_sections(output, RENDERED) == RENDERED  # nothing to keep yet
    output.write_text(PREVIOUS)
    written = with_kept_sections(output, RENDERED)
    assert written.startswith(RENDERED.rstrip()) and "TaskGroup` vs" in written and "new targets" in written


def test_interleaved_runs_every_variant_once_per_sample_alternating_order() -> None:
    calls = []
    times = interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, samples=4)
    assert calls == ["a", "b", "b", "a", "a", "b", "b", "a"]
    assert all(len(times[name][kind]) == 4 for name in "ab" for kind in ("cpu", "wall"))
    times = {"x": {"cpu": [2.0, 6.0, 4.0], "wall": [1, 1, 1]}, "y": {"cpu": [1.0, 2.0, 4.0], "wall": [1, 1, 1]}}
    assert ratio(times, "x", "y", "cpu") == 2.0  # median of the per-sample ratios 2, 3, 1
