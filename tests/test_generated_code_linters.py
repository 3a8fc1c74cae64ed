"""Generated code that users' linters accept (docs/usage.md, "Generated code and your linters").

``legacy/`` and every rule fixture's input are formatted with ``ruff format``
into a temporary directory, then migrated exactly as ``agno-migrate apply
--unsafe-fixes`` does (the CLI itself, no configuration file).  Then:

* ``ruff check`` with its default rules (``--isolated``) reports, per file, no
  finding code more often than on the input, except the deliberate
  exceptions in :data:`ALLOWED`, each of which must sit where its reason says
  (an ``except*`` line agno-migrate wrote, a generated twin);
* ``ruff format --check`` changes none of the migrated files (every input was
  ruff-formatted; :data:`FORMAT_EXCEPTIONS` lists the documented exceptions:
  none).

The last tests show the checks can fail.  The three on the migrated tree are
``slow`` (about 25 s on a 2-core machine, most of it the migration of 98 files).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).with_name("ruff")
AGNO_MIGRATE = Path(sys.executable).with_name("agno-migrate")
DOCS = ROOT / "docs" / "usage.md"

#: A finding on line ``row`` (1-based) of ``lines``: does it sit where the exception's reason says?
Where = Callable[[List[str], int], bool]


def _in_generated_twin(lines: List[str], row: int) -> bool:
    """Whether ``row`` is inside a method agno-migrate generated (after its ``# agno-migrate: generated from`` line)."""
    for index in range(row - 2, -1, -1):
        line = lines[index]
        if line.strip().startswith("# agno-migrate: generated from "):
            indent = len(line) - len(line.lstrip())
            # the def follows the comment; every line from the one after it to ``row`` is in its body
            return all(not l.strip() or len(l) - len(l.lstrip()) > indent for l in lines[index + 2 : row])
    return False


def _on_generated_except_star(lines: List[str], row: int) -> bool:
    return re.fullmatch(r"\s*except\* Exception as \w+:", lines[row - 1]) is not None


#: Finding codes the migration may add, why (the same reasons are in docs/usage.md), and where.
ALLOWED: Mapping[str, Tuple[str, Where]] = {
    "BLE001": (
        "`except* Exception as group: raise group.exceptions[0]` re-raises the first failure unwrapped, "
        "as gather did; ruff accepts only a bare `raise` or `raise ... from group`, which would change "
        "the exception's `__cause__` and its traceback",
        _on_generated_except_star,
    ),
    "UP006": ("a twin repeats the annotations of the method it was generated from", _in_generated_twin),
    "UP007": ("a twin repeats the annotations of the method it was generated from", _in_generated_twin),
    "UP045": ("a twin repeats the annotations of the method it was generated from", _in_generated_twin),
    "UP028": (
        "the sync twin of `async for x in ...: yield x` keeps the loop; `yield from` would also "
        "forward send()/throw() (ruff marks its own fix unsafe)",
        _in_generated_twin,
    ),
}

#: Migrated files ``ruff format`` may change although their input was ruff-formatted (path -> reason).
FORMAT_EXCEPTIONS: Mapping[str, str] = {}


def _ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    assert RUFF.exists(), f"{RUFF} missing: `pip install -e .[test]` installs ruff"
    return subprocess.run([str(RUFF), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def _findings(directory: Path) -> Dict[str, List[Tuple[str, int]]]:
    """path (relative) -> [(code, row)] of ``ruff check --isolated`` (its default rules)."""
    completed = _ruff("check", "--isolated", "--exit-zero", "--output-format", "json", ".", cwd=directory)
    found: Dict[str, List[Tuple[str, int]]] = {}
    for item in json.loads(completed.stdout):
        path = Path(item["filename"]).resolve().relative_to(directory.resolve()).as_posix()
        found.setdefault(path, []).append((item["code"] or "syntax", item["location"]["row"]))
    return found


def new_findings(before: Mapping[str, List[Tuple[str, int]]], after: Mapping[str, List[Tuple[str, int]]],
                 texts: Mapping[str, str]) -> List[str]:
    """The findings the migration added that :data:`ALLOWED` does not excuse, one message each."""
    problems = []
    for path, found in sorted(after.items()):
        extra = Counter(code for code, _ in found) - Counter(code for code, _ in before.get(path, []))
        lines = texts[path].splitlines()
        for code, count in sorted(extra.items()):
            if code not in ALLOWED:
                rows = [row for c, row in found if c == code]
                problems.append(f"{path}: {count} more {code} than before (rows {rows})")
                continue
            where = ALLOWED[code][1]
            excused = [row for c, row in found if c == code and where(lines, row)]
            if len(excused) < count:
                rows = [row for c, row in found if c == code]
                problems.append(f"{path}: {count} more {code}, only {len(excused)} where {where.__name__} (rows {rows})")
    return problems


@pytest.fixture(scope="module")
def migrated_tree(tmp_path_factory: pytest.TempPathFactory) -> Tuple[Path, dict, dict, str]:
    tree = tmp_path_factory.mktemp("linters")
    shutil.copytree(ROOT / "legacy", tree / "legacy", ignore=shutil.ignore_patterns("__pycache__"))
    for before in sorted((ROOT / "tests" / "fixtures").glob("AGM*/*.before.py")):
        case = tree / "fixtures" / before.parent.name / before.name.removesuffix(".before.py")
        case.mkdir(parents=True)
        shutil.copy(before, case / "case.py")
    formatted = _ruff("format", "--isolated", ".", cwd=tree)
    assert formatted.returncode == 0, formatted.stderr
    before = _findings(tree)
    applied = subprocess.run([str(AGNO_MIGRATE), "apply", "--unsafe-fixes", "."], cwd=tree,
                             capture_output=True, text=True, timeout=900,
                             env={**os.environ, "AGNO_TELEMETRY": "false"})
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "0 error(s)" in applied.stderr + applied.stdout
    return tree, before, _findings(tree), applied.stdout + applied.stderr


@pytest.mark.slow
def test_the_migration_rewrote_what_it_is_checked_on(migrated_tree: Tuple[Path, dict, dict, str]) -> None:
    tree, _, _, output = migrated_tree
    workflow = (tree / "legacy" / "financial_assistant" / "workflow.py").read_text()
    assert "class _BlockingTaskGroup" in workflow and "async with asyncio.TaskGroup() as tg:" in workflow
    rewritten = int(re.search(r"(\d+) rewritten", output).group(1))  # type: ignore[union-attr]
    assert rewritten >= 30, output


@pytest.mark.slow
def test_ruff_check_finds_nothing_new_but_the_documented_exceptions(
    migrated_tree: Tuple[Path, dict, dict, str],
) -> None:
    tree, before, after, _ = migrated_tree
    texts = {path: (tree / path).read_text() for path in after}
    assert new_findings(before, after, texts) == []


@pytest.mark.slow
def test_ruff_format_changes_nothing(migrated_tree: Tuple[Path, dict, dict, str]) -> None:
    tree = migrated_tree[0]
    completed = _ruff("format", "--isolated", "--check", "--output-format", "json", ".", cwd=tree)
    unformatted = sorted(
        {Path(item["filename"]).resolve().relative_to(tree.resolve()).as_posix() for item in json.loads(completed.stdout)}
    )
    unexpected = [path for path in unformatted if path not in FORMAT_EXCEPTIONS]
    if unexpected:
        diff = _ruff("format", "--isolated", "--diff", *unexpected, cwd=tree).stdout
        pytest.fail(f"ruff format would change {unexpected}:\n{diff}")
    assert completed.returncode == (1 if unformatted else 0), completed.stdout + completed.stderr


def test_every_exception_is_documented() -> None:
    section = DOCS.read_text().split("## Generated code and your linters", 1)[1].split("\n## ", 1)[0]
    for code in ALLOWED:
        table_rows = [line for line in section.splitlines() if line.startswith("| ")]
        assert any(re.search(rf"\b{code}\b", row.split("|")[1]) for row in table_rows), (
            f"{code} is not in docs/usage.md's table of deliberate exceptions"
        )
    for path in FORMAT_EXCEPTIONS:
        assert path in section


def test_the_check_finds_a_new_finding_and_the_format_check_a_long_line(tmp_path: Path) -> None:
    """Not vacuous: code like what agno-migrate generated before (a quoted ``__enter__``
    annotation, ``Any`` for ``__exit__``, a blind ``except`` that is not ``except*``,
    a long line) is reported."""
    (tmp_path / "before.py").write_text("x = 1\n")
    old_helper = (
        "from typing import Any\n\n\n"
        "class Group:\n"
        '    def __enter__(self) -> "Group":\n'
        "        return self\n\n"
        "    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:\n"
        "        try:\n"
        "            pass\n"
        "        except Exception as error:\n"
        "            print(error, 'a long message that does not fit on one line with the rest of it')\n"
    )
    (tmp_path / "after.py").write_text(old_helper)
    found = _findings(tmp_path)
    problems = new_findings({"after.py": found.get("before.py", [])}, {"after.py": found["after.py"]},
                            {"after.py": old_helper})
    assert any("PYI036" in p for p in problems) and any("PYI034" in p for p in problems)
    assert any("BLE001" in p for p in problems), problems  # not on an ``except*`` line agno-migrate writes
    assert _ruff("format", "--isolated", "--check", "after.py", cwd=tmp_path).returncode == 1


def test_twin_detection() -> None:
    lines = [
        "class A:",
        "    def run(self, xs: List[int]) -> None:",
        "        pass",
        "",
        "    # agno-migrate: generated from run(); edit that method, not this one",
        "    async def arun(self, xs: List[int]) -> None:",
        "        pass",
        "",
        "    def other(self, xs: List[int]) -> None:",
        "        pass",
    ]
    assert [row for row in range(1, len(lines) + 1) if _in_generated_twin(lines, row)] == [6, 7, 8]


# -- the layout pieces, fast ---------------------------------------------------------------------


def test_fit_lays_out_changed_lines_as_ruff_would() -> None:
    from codemods.linefit import fit

    before = (
        "async def flow(self, message: str) -> AsyncIterator[RunResponseContentEvent]:\n"
        "    x = 1\n"
        "    return [\n"
        "        x,\n"
        "    ]\n"
    )
    too_long = before.replace("    x = 1\n", "    income = tg.create_task(self.tools.get_income_statement_for_the_symbol_please_now(symbol))\n")
    assert fit(before, too_long) == before.replace(
        "    x = 1\n",
        "    income = tg.create_task(\n        self.tools.get_income_statement_for_the_symbol_please_now(symbol)\n    )\n",
    )
    split = "def f(\n    self, message: str\n) -> Iterator[RunResponseContentEvent]:\n    pass\n"
    assert fit(split, split.replace("RunResponseContentEvent", "RunResponse")) == (
        "def f(self, message: str) -> Iterator[RunResponse]:\n    pass\n"
    )
    one_param = "    def create_task(self) -> None:\n"
    long_def = "def create_task(coro: Coroutine[Any, Any, _TaskResultT_with_a_long_name]) -> _TaskResult[_TaskResultT]:\n    pass\n"
    assert fit(one_param, long_def).startswith(
        "def create_task(\n    coro: Coroutine[Any, Any, _TaskResultT_with_a_long_name],\n) -> _TaskResult[_TaskResultT]:\n"
    )
    over_indented = "x = agent.run(\n        a,\n        stream=False,\n    )\n"
    assert fit("y = 1\n", over_indented) == "x = agent.run(\n    a,\n    stream=False,\n)\n"


def test_fit_leaves_unformatted_files_and_unchanged_lines_alone() -> None:
    from codemods.linefit import fit

    wide = "x = call_something(with_a_long_argument, and_another_one, and_a_third_one_too_for_sure_yes)\n"
    changed = "y = call_something(with_a_long_argument, and_another_one, and_a_third_one_too_for_sure_yes)\n"
    assert fit(wide, changed) == changed  # the file is not formatted at 88 columns
    long_string = 'MESSAGE = "' + "x" * 100 + '"\n'
    assert fit(long_string, long_string + changed) == long_string + changed.replace(
        "y = call_something(", "y = call_something(\n    "
    ).replace("_yes)\n", "_yes\n)\n")
    # an unchanged long line in a formatted file stays as it is
    assert fit(long_string + "z = 1\n", long_string + "z = 2\n") == long_string + "z = 2\n"


def test_added_imports_go_where_ruffs_isort_puts_them() -> None:
    import libcst as cst

    from codemods.layout import split_aliased_imports, tidy_added_imports

    before = cst.parse_module("import asyncio\nfrom typing import Any, List\n\nfrom agno.x import Y\n\nX = 1\n")
    after = cst.parse_module(
        "import asyncio\nfrom typing import Any, List, Self, TYPE_CHECKING\n\nfrom agno.x import Y\n"
        "from collections.abc import Coroutine\nfrom types import TracebackType\n\nX = 1\n"
    )
    assert tidy_added_imports(before, after).code == (
        "import asyncio\nfrom collections.abc import Coroutine\nfrom types import TracebackType\n"
        "from typing import TYPE_CHECKING, Any, List, Self\n\nfrom agno.x import Y\n\nX = 1\n"
    )
    old = cst.parse_module("from m import Old as O  # keep\n")
    new = cst.parse_module("from m import New, Old as O  # keep\n")
    assert split_aliased_imports(old, new).code == "from m import New\nfrom m import Old as O  # keep\n"
