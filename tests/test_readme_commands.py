"""The README's "Using it on your code" commands, run as written on a copy of legacy/ as src/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _commands() -> list:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Using it on your code"):]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_commands_run_as_written(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "legacy", project / "src", ignore=shutil.ignore_patterns("__pycache__"))
    # A user's project: no [tool.agno-migrate] (so no unsafe fixes unless asked).
    (project / "pyproject.toml").write_text('[project]\nname = "user-app"\nrequires-python = ">=3.11"\n')
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", NO_COLOR="1")
    # The exit code each line must give, in order, on a legacy tree.
    expected = {
        "agno-migrate check src/": [1, 0],             # before anything, after --unsafe-fixes
        "agno-migrate diff src/": [1],
        "agno-migrate snapshot src/ ../src-migrated": [0],
        "agno-migrate apply src/": [0],
        "agno-migrate check --statistics src/": [1],
        "agno-migrate apply --unsafe-fixes src/": [0],
        "python -m codemods check src/": [0],
    }
    seen: dict = {}
    outputs = {}
    for command in _commands():
        proc = subprocess.run(command, shell=True, cwd=project, env=env, capture_output=True, text=True,
                              timeout=300)
        index = seen.get(command, 0)
        seen[command] = index + 1
        assert command in expected, f"README command without an expected exit code here: {command}"
        assert proc.returncode == expected[command][index], f"{command}\n{proc.stdout}\n{proc.stderr}"
        outputs[(command, index)] = proc
    assert (tmp_path / "src-migrated" / "financial_assistant" / "workflow.py").exists()
    statistics = outputs[("agno-migrate check --statistics src/", 0)].stdout
    assert "AGM005" in statistics and "1 unsafe not applied" in statistics
    migrated = (project / "src" / "financial_assistant" / "workflow.py").read_text()
    assert "asyncio.TaskGroup()" in migrated and "_collect_async_responses" not in migrated
