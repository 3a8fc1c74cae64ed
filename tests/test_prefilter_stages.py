"""The prefilter's shortcuts against what they stand for.

The prefilter (:mod:`codemods.prefilter`) decides most files with text checks
and Python's ``ast``, never LibCST; each shortcut must be a necessary
condition, or a file that needs migration is silently skipped.  Here:

* every text stage says yes wherever the syntax stage behind it does
  (Python's ``ast`` on the whole file): on the fixtures, legacy/, migrated/,
  the open-world corpus, this repository's own code, the installed agno
  package, generated workflows and respellings of them (comments and line
  breaks inside brackets, spaces around dots);
* the ``ast`` reading of the Workflow classes finds every class LibCST's
  (:func:`codemods.patterns.workflow_class_names`) finds;
* (slow) on the open-world corpus and on generated workflows, every rule that
  changes or reports something is let through by both prefilter tables
  (:func:`tests.test_prefilter.assert_prefilter_passes`).
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Set, Tuple

import pytest

from codemods import prefilter
from tests.test_prefilter import RULES, WIDEST, assert_prefilter_passes, option_sets

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "open_world_corpus"
#: Generated workflows (tests.open_world.generator), derandomized.
GENERATED = int(os.environ.get("AGNO_MIGRATE_PREFILTER_GENERATED", "24"))


def _files(root: Path) -> List[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


@lru_cache(maxsize=1)
def generated_sources() -> Tuple[Tuple[str, str], ...]:
    """``(name, source)`` of the modules of GENERATED derandomized open-world cases."""
    from hypothesis import HealthCheck, given, settings

    from tests.open_world.generator import render_base, render_workflow, specs

    found: List[Tuple[str, str]] = []

    @settings(max_examples=GENERATED, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(spec=specs)
    def collect(spec) -> None:
        index = len(found)
        found.append((f"generated/{index}/workflow.py", render_workflow(spec)))
        if spec.helper == "base_other":
            found.append((f"generated/{index}/base.py", render_base(spec)))

    collect()
    return tuple(found)


def _installed_agno() -> List[Path]:
    spec = importlib.util.find_spec("agno")
    if spec is None or not spec.submodule_search_locations:
        return []
    return _files(Path(list(spec.submodule_search_locations)[0]))


#: Respellings the rules read the same: comments and line breaks inside brackets, spaces around dots.
RESPELLINGS = (
    lambda text: text.replace(".arun(", " . arun  (  # (a comment)\n"),
    lambda text: text.replace("run(", "run(  # why: (see) 'below'\n    "),
    lambda text: text.replace("(self", "(\n        # [the receiver]\n        self"),
    lambda text: text.replace("async def ", "async  def  "),
)


@lru_cache(maxsize=1)
def texts() -> Tuple[Tuple[str, str], ...]:
    """``(name, text as the engine sees it)`` for every source the stages are checked on."""
    paths = [p for p in _files(REPO / "tests" / "fixtures")]
    for folder in ("legacy", "migrated", "codemods", "bench"):
        paths += _files(REPO / folder)
    paths += _files(CORPUS) + sorted((REPO / "tests").glob("*.py")) + _installed_agno()
    found = [(str(p), p.read_bytes().decode("latin-1")) for p in paths]
    found += list(generated_sources())
    variants = []
    for name, text in found:
        if ".arun(" in text or "async def" in text or "Workflow" in text:
            for number, respell in enumerate(RESPELLINGS):
                variant = respell(text)
                if variant != text:
                    variants.append((f"{name} (respelling {number})", variant))
    return tuple(found + variants)


def _tree(text: str) -> Optional[ast.Module]:
    return prefilter.syntax_tree(text)


def _bridge_calls(tree: ast.Module, helpers: Set[str]) -> bool:
    """The syntax stage's shape of AGM002's bridge, whatever calls it: ``f(<helper>(<call>))``."""
    for call in prefilter._calls(tree):
        inner = prefilter._single_positional_call(call)
        if (inner is not None and len(inner.args) == 1 and not inner.keywords
                and isinstance(prefilter._unstarred(inner.args[0]), ast.Call)
                and prefilter._called_name(inner) in helpers):
            return True
    return False


def test_the_checked_sources_are_many_and_varied() -> None:
    names = [name for name, _ in texts()]
    assert len(generated_sources()) >= GENERATED
    assert sum("respelling" in name for name in names) > 100
    assert any(".arun(" in text for _, text in texts()) and any("async for" in text for _, text in texts())


def test_text_stages_say_yes_wherever_the_syntax_stages_do() -> None:
    problems = []
    for name, text in texts():
        tree = _tree(text)
        if tree is None:
            continue  # the syntax stages answer yes: LibCST decides
        if prefilter.has_wrapped_arun_call(text) and not prefilter.may_wrap_arun_call(text):
            problems.append(f"{name}: AGM004's text stage misses <x>.arun(...) as the only argument")
        if prefilter.workflow_class_names(tree) and not prefilter.may_define_workflow_subclass(text):
            problems.append(f"{name}: the Workflow class header is missed")
        for private_only in (False, True):
            by_text = prefilter.collect_helper_names_by_text(text, private_only)
            by_tree = prefilter.collect_helper_names(text, private_only)
            if by_text is not None and not by_text >= (by_tree or set()):
                problems.append(f"{name}: collect helpers {sorted(by_text)} by their own text, "
                                f"{sorted(by_tree or ())} in the file's tree (private only: {private_only})")
        helpers = prefilter.collect_helper_names(text) or set()
        if helpers and _bridge_calls(tree, helpers) and not prefilter.may_call_collect_helper(
                text, prefilter.collect_helper_names_by_text(text)):
            problems.append(f"{name}: AGM002's text stage misses a call of a collect helper")
    assert not problems, "\n".join(problems[:20])


def test_ast_workflow_classes_include_libcst_ones() -> None:
    import libcst as cst

    from codemods.patterns import workflow_class_names

    checked = 0
    for name, text in texts():
        if "respelling" in name or "Workflow" not in text or not re.search(r"agno(?:\.workflow|\s+import)", text):
            continue  # (respellings keep the class headers) no import LibCST's reading takes a Workflow spelling from
        tree = _tree(text)
        try:
            module = cst.parse_module(text.encode("latin-1"))
        except Exception:  # noqa: BLE001 - LibCST refuses it: the engine never runs a rule on it
            continue
        if tree is None:
            continue
        checked += 1
        assert workflow_class_names(module) <= prefilter.workflow_class_names(tree), name
        assert prefilter.has_workflow_subclass(text) == bool(workflow_class_names(module)), name
    assert checked > 50


def test_exponential_comment_lines_do_not_hang_the_text_stages() -> None:
    """The gap between two tokens is matched possessively: a line of ``#`` after a
    dot (``x.  ####...``) once made the search backtrack exponentially."""
    text = "import asyncio\n\nx = y.  # " + "#" * 200 + "\n" + "async  # " + "#" * 200 + "\n"
    assert not prefilter.may_wrap_arun_call(text)
    assert not prefilter.ASYNC_FOR.search(text) and prefilter.ARUN_CALL.search(text) is None
    assert re.fullmatch(prefilter.GAP, "  # " + "#" * 200 + "\n  ")


def _rule_sources() -> List[Tuple[str, bytes]]:
    sources = [(str(p.relative_to(REPO)), p.read_bytes()) for p in _files(CORPUS)]
    return sources + [(name, text.encode()) for name, text in generated_sources()]


@pytest.mark.slow
@pytest.mark.parametrize("options", [None, WIDEST], ids=["default options", "fanout-scope all"])
def test_rules_are_let_through_on_the_open_world(options: Optional[dict], monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file under the option sets :func:`tests.test_prefilter.option_sets` gives it (in CI one
    of the two, by a stable hash of its name: every file is checked once)."""
    checked = 0
    for name, source in _rule_sources():
        if options in option_sets(name):
            assert_prefilter_passes(source, RULES, name, monkeypatch, options)
            checked += 1
    assert checked > 40
