"""Every rule over real code: the installed agno 1.8.4 library, in a temporary copy.

agno's own source is not what agno-migrate is for, which makes it a good
robustness corpus: 558 files of real, varied, large Python (agent.py and
team.py are ~9,000 lines each) on which a few rules do fire.  The tree is
checked with the default settings (nothing to change or report: agno's
library is not workflow code), then migrated twice with the engine's apply
path (:func:`process_file`, which reads, migrates and atomically rewrites each
file) with the fan-out rules widened to all code (``fanout_scope = "all"``),
in two worker processes, largest files first.  Checked:

* no file fails (no parse error, no rule crash, nothing refused);
* every output compiles;
* a file is rewritten exactly when a rule reports a fix there, and every
  other file is byte-identical to the original;
* applying again to the rewritten files changes nothing and fixes nothing
  (apply twice == apply once).
"""

from __future__ import annotations

import shutil
import warnings
from importlib.metadata import version
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Dict, List

import agno
import pytest

from codemods.engine import iter_python_files, process_file, run
from codemods.rules import select_codes, select_rules

AGNO = Path(agno.__file__).resolve().parent

pytestmark = pytest.mark.slow


#: The robustness run exercises the fan-out rules on all of agno's code, not only workflow code.
WIDEST = {"fanout_scope": "all", "unsafe_fixes": True}  # every rewrite the rules can make


def _apply(path: str) -> Dict:
    """Worker: apply every rule to ``path`` in place (widest scope); report what happened."""
    result = process_file(path, select_rules(), write=True, options=WIDEST)
    data = Path(path).read_bytes()
    compile_error = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # agno has a few invalid escape sequences
            compile(data, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        compile_error = f"{exc.msg} at line {exc.lineno}"
    return {
        "path": path,
        "error": result.error,
        "changed": result.changed,
        "written": result.written,
        "fixes": sorted({f.code for f in result.findings if f.fixed}),
        "warnings": sorted({f.code for f in result.findings if not f.fixed}),
        "compile_error": compile_error,
        "data": data,
    }


def _apply_all(paths: List[str]) -> Dict[str, Dict]:
    ordered = sorted(paths, key=lambda p: Path(p).stat().st_size, reverse=True)  # big files first
    with ProcessPoolExecutor(max_workers=2) as pool:
        return {outcome["path"]: outcome for outcome in pool.map(_apply, ordered, chunksize=1)}


def test_installed_agno_library(tmp_path: Path) -> None:
    assert version("agno").startswith("1.8.")  # the 1.x library the rules target
    copy = tmp_path / "agno"
    shutil.copytree(AGNO, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    files = list(iter_python_files([str(copy)]))
    assert len(files) > 500
    originals = {path: Path(path).read_bytes() for path in files}

    # By default agno's own library is not workflow code: nothing to change, nothing to report.
    default = run([str(copy)], select_codes(), write=False, jobs=2)
    assert [(r.path, r.error) for r in default if r.error] == []
    assert [f.format() for r in default for f in r.findings] == []
    assert not any(r.changed for r in default)

    first = _apply_all(files)
    assert set(first) == set(files)
    assert [(p, o["error"]) for p, o in first.items() if o["error"]] == []
    assert [(p, o["compile_error"]) for p, o in first.items() if o["compile_error"]] == []

    rewritten = sorted(p for p, o in first.items() if o["data"] != originals[p])
    for path, outcome in first.items():
        if outcome["fixes"]:
            assert outcome["written"] and outcome["data"] != originals[path], path
        else:
            assert not outcome["changed"] and outcome["data"] == originals[path], path
    # The corpus does exercise the rules (AGM005 fires in agno's own code); AGM001
    # must not: the library has no Workflow subclasses, and there
    # RunResponseContentEvent is a real agent stream event.
    assert len(rewritten) >= 5
    fired = {code for o in first.values() for code in o["fixes"]}
    assert "AGM005" in fired and "AGM001" not in fired

    second = _apply_all(rewritten)
    for path in rewritten:
        outcome = second[path]
        assert outcome["error"] is None, (path, outcome["error"])
        assert outcome["fixes"] == [] and not outcome["changed"], (path, outcome["fixes"])
        assert outcome["data"] == first[path]["data"], f"{path} changed on the second apply"
