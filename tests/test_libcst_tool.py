"""Every rule also runs under LibCST's own runner, ``python -m libcst.tool codemod``.

From the repository root (where ``.libcst.codemod.yaml`` lists the
``codemods.rules`` package and no formatter)::

    python -m libcst.tool codemod agm004_asyncio_run_arun.AsyncioRunArun --no-format PATH

and from anywhere, without a configuration file::

    python -m libcst.tool codemod -x codemods.rules.agm004_asyncio_run_arun.AsyncioRunArun --no-format PATH

(options taking a value, such as ``-j 1``, must come after the command name:
libcst.tool reads the command with a first parser that does not know them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Type

import pytest
import yaml

from codemods.engine import migrate_source
from codemods.rule import Rule
from codemods.rules import all_rules

REPO = Path(__file__).resolve().parent.parent
LEGACY = REPO / "legacy"

ARUN_SOURCE = "import asyncio\n\n\ndef route(agent, message):\n    return asyncio.run(agent.arun(message))\n"


def libcst_tool(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("LIBCST_TOOL_REQUIRE_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "libcst.tool", "codemod", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def snapshot(root: Path) -> Dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.py"))}


def test_repo_config() -> None:
    config = yaml.safe_load((REPO / ".libcst.codemod.yaml").read_text())
    assert config["modules"] == ["codemods.rules"]
    assert config["formatter"] == []  # no black: rules keep the formatting; run with --no-format
    assert config["repo_root"] == "."


def command_name(rule: Type[Rule]) -> str:
    """``agm004_asyncio_run_arun.AsyncioRunArun``: module within codemods.rules, then class."""
    module = rule.__module__
    assert module.startswith("codemods.rules."), module
    return f"{module.removeprefix('codemods.rules.')}.{rule.__name__}"


RULES = all_rules()


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_each_rule_runs_under_libcst_tool(rule: Type[Rule], tmp_path: Path) -> None:
    """The configured form, from the repository root, on a copy of the legacy example.

    libcst.tool must change exactly what the engine changes with that rule
    alone (no options, no required rules), byte for byte.
    """
    target = tmp_path / "legacy"
    shutil.copytree(LEGACY, target, ignore=shutil.ignore_patterns("__pycache__"))
    before = snapshot(target)
    expected: Dict[str, bytes] = {}
    failing: List[str] = []
    for name, source in before.items():
        result = migrate_source(source, [rule], str(target / name))
        if result.error:
            failing.append(name)
            expected[name] = source
        else:
            assert result.migrated is not None
            expected[name] = result.migrated
    proc = libcst_tool(command_name(rule), "--no-format", "--hide-progress", "-j", "1", str(target), cwd=REPO)
    after = snapshot(target)
    assert after == expected, proc.stderr[-3000:]
    assert proc.returncode == (1 if failing else 0), proc.stderr[-3000:]
    assert f"Failed to codemod {len(failing)} files." in proc.stderr


SUMMARY_SOURCE = ("import asyncio\n\nfrom agno.agent import Agent\n\nagent = Agent(telemetry=False)\n\n\n"
                  "def summarize(text: str) -> str:\n    return str(asyncio.run(agent.arun(text)).content)\n")


def test_agm004_documented_command(tmp_path: Path) -> None:
    """The documented example command, if AGM004 is registered, on an agent the module builds
    without tools (a safe fix), next to a copy of the legacy example."""
    rule = next((r for r in RULES if r.code == "AGM004"), None)
    if rule is None:
        pytest.skip("AGM004 is not registered")
    target = tmp_path / "legacy"
    shutil.copytree(LEGACY, target, ignore=shutil.ignore_patterns("__pycache__"))
    summary = target / "summary.py"
    summary.write_text(SUMMARY_SOURCE)
    proc = libcst_tool(command_name(rule), "--no-format", str(target), cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    after = summary.read_text()
    assert "asyncio.run(agent.arun(text))" in SUMMARY_SOURCE and "asyncio" not in after
    assert "    return str(agent.run(text, stream=False).content)\n" in after


def test_external_form_without_config(tmp_path: Path) -> None:
    """``-x package.module.Class`` works from any directory; here with a test-only rule."""
    work = tmp_path / "elsewhere"
    work.mkdir()
    target = work / "route.py"
    target.write_text(ARUN_SOURCE)
    pool = work / "pool.py"
    pool.write_text("from concurrent.futures import ThreadPoolExecutor\npool = ThreadPoolExecutor()\n")
    proc = libcst_tool("-x", "tests.test_cli.ArunRule", "--no-format", str(work), cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert target.read_text() == ARUN_SOURCE.replace("asyncio.run(agent.arun(message))", "agent.run(message)")
    # A rule's "left alone" findings surface as libcst.tool warnings.
    warned = libcst_tool("-x", "tests.test_cli.ThreadPoolRule", "--no-format", str(pool), cwd=work)
    assert warned.returncode == 0 and "1 warnings were generated" in warned.stderr
    assert "TST003 " in warned.stderr and "ThreadPoolExecutor fan-out" in warned.stderr


def test_without_no_format_the_empty_formatter_fails(tmp_path: Path) -> None:
    """Documents why ``--no-format`` is part of the command: the config has no formatter."""
    target = tmp_path / "route.py"
    target.write_text(ARUN_SOURCE)
    proc = libcst_tool("tests.test_cli.ArunRule", "-x", str(target), cwd=REPO)
    assert proc.returncode == 1 and "No formatter configured" in proc.stderr
    assert target.read_text() == ARUN_SOURCE


def test_list_shows_each_rule_with_its_description() -> None:
    """``python -m libcst.tool list`` lists exactly the rules (not the ``Rule`` base class
    imported into their modules), each with its code, name and summary."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("LIBCST_TOOL_REQUIRE_CONFIG", None)
    proc = subprocess.run([sys.executable, "-m", "libcst.tool", "list"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    listed = dict(line.split(" - ", 1) for line in proc.stdout.splitlines() if line.strip())
    assert listed == {command_name(rule): f"{rule.code} {rule.name}: {rule.summary}" for rule in RULES}
    assert "No description." not in proc.stdout


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_description_is_a_class_attribute(rule: Type[Rule]) -> None:
    """Set in the rule's class body, not on first instantiation: libcst.tool reads it from the class."""
    assert "DESCRIPTION" in vars(rule)
    assert rule.DESCRIPTION == f"{rule.code} {rule.name}: {rule.summary}"
