"""The open-world corpus: hand-written legacy agno 1.x workflows the rules were not written for.

Every directory of ``tests/open_world_corpus/`` is one case (legacy modules +
``harness.py`` + ``README.md``, see :mod:`tests.open_world.oracle`).  Each must
satisfy THE PROPERTY checked by :func:`tests.open_world.oracle.check_case`:
the migrated code keeps parity with the legacy code on real agno 1.8.4 (run
and arun, success and failure paths, extra entry points), or the affected
code is left unchanged with a ``[left alone]`` finding at the bridge; outputs
compile and are idempotent.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from pathlib import Path
from typing import Dict, List

import pytest

from tests.open_world.oracle import check_case

CORPUS = Path(__file__).resolve().parent / "open_world_corpus"
CASES: List[Path] = sorted(
    path for path in CORPUS.iterdir() if path.is_dir() and (path / "harness.py").is_file()
)

pytestmark = pytest.mark.slow

os.environ.setdefault("AGNO_TELEMETRY", "false")


def test_corpus_is_not_empty() -> None:
    assert len(CASES) >= 25
    for case in CASES:
        assert (case / "README.md").is_file(), f"{case.name} has no README.md"


#: A case holding this file (its text says why) is one whose unsafe fix changes
#: behaviour by design (that is why it is unsafe): it is checked as plain
#: ``apply`` makes it, where the fix must be held back (reported, not made).
UNSAFE_CHANGES_BEHAVIOUR = "UNSAFE_FIX_CHANGES_BEHAVIOUR"


def _check(case: str, tmp: str) -> List[str]:
    # With --unsafe-fixes: every rewrite the rules can make is made (the fuzz checks plain apply too).
    Path(tmp).mkdir(parents=True, exist_ok=True)
    unsafe = not (Path(case) / UNSAFE_CHANGES_BEHAVIOUR).is_file()
    return check_case(Path(case), Path(tmp), unsafe_fixes=unsafe)


@pytest.fixture(scope="module")
def corpus_results(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, List[str]]:
    """Every case checked once, in two worker processes (one per core): case name -> problems."""
    base = tmp_path_factory.mktemp("corpus")
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        futures = {case.name: pool.submit(_check, str(case), str(base / case.name)) for case in CASES}
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_open_world_case(case: Path, corpus_results: Dict[str, List[str]]) -> None:
    assert corpus_results[case.name] == []
