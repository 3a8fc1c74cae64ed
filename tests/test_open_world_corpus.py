"""The open-world corpus: hand-written legacy agno 1.x workflows the rules were not written for.

Every directory of ``tests/open_world_corpus/`` is one case (legacy modules +
``harness.py`` + ``README.md``, see :mod:`tests.open_world.oracle`).  Each must
satisfy THE PROPERTY checked by :func:`tests.open_world.oracle.check_case`:
the migrated code keeps parity with the legacy code on real agno 1.8.4 (run
and arun, success and failure paths, extra entry points), or the affected
code is left unchanged with a ``[left alone]`` finding at the bridge; outputs
compile and are idempotent.  Each case is checked twice: as plain ``apply``
makes it (safe fixes only, what users get by default: held-back unsafe fixes
must not leave a half-migrated file that breaks) and as ``apply
--unsafe-fixes`` makes it.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from pathlib import Path
from typing import Dict, List, Tuple

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


#: The two ways users run ``apply``: plain (safe fixes only, the default) and ``--unsafe-fixes``.
MODES = ("plain", "unsafe")


def _check(case: str, mode: str, tmp: str) -> List[str]:
    """THE PROPERTY for one case as ``apply`` (``mode`` "plain") or ``apply --unsafe-fixes`` makes it."""
    Path(tmp).mkdir(parents=True, exist_ok=True)
    unsafe = mode == "unsafe" and not (Path(case) / UNSAFE_CHANGES_BEHAVIOUR).is_file()
    return check_case(Path(case), Path(tmp), unsafe_fixes=unsafe)


#: (case, mode) pairs: every case as plain apply makes it, and with --unsafe-fixes unless
#: its unsafe fix changes behaviour by design.
RUNS: List[Tuple[Path, str]] = [(case, mode) for case in CASES for mode in MODES
                                if not (mode == "unsafe" and (case / UNSAFE_CHANGES_BEHAVIOUR).is_file())]


@pytest.fixture(scope="module")
def corpus_results(tmp_path_factory: pytest.TempPathFactory) -> Dict[Tuple[str, str], List[str]]:
    """Every run checked once, in two worker processes (one per core): (case, mode) -> problems."""
    base = tmp_path_factory.mktemp("corpus")
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        futures = {(case.name, mode): pool.submit(_check, str(case), mode, str(base / mode / case.name))
                   for case, mode in RUNS}
        return {key: future.result() for key, future in futures.items()}


@pytest.mark.parametrize(("case", "mode"), RUNS, ids=[f"{case.name}-{mode}" for case, mode in RUNS])
def test_open_world_case(case: Path, mode: str, corpus_results: Dict[Tuple[str, str], List[str]]) -> None:
    assert corpus_results[(case.name, mode)] == []
