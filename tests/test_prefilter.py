"""The prefilter (each rule's ``is_triggered_by``) never skips a file that needs migration.

The engine parses a file only when a selected rule is triggered by its text, so
a trigger condition that is too tight silently leaves code unmigrated.  These
tests hold every rule to its fixtures, the legacy example and a few tricky
spellings: with the prefilter, the result (bytes and findings) is exactly what
running every rule unconditionally gives.  Each rule that changes or reports
something is checked against both prefilter tables: the one that holds
whatever the options (:data:`prefilter.RULE_CHECKS`) and the one for the
run's options (:func:`prefilter.rule_checks`: AGM005/AGM006 only in modules
with a ``Workflow`` subclass unless ``fanout_scope`` is "all").
tests/test_prefilter_stages.py holds the text stages to the syntax stages, and
the rules to the prefilter on the open-world corpus and generated workflows.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path
from typing import List, Optional, Sequence, Type

import pytest

from codemods import prefilter
from codemods.engine import VERIFIER_CODE, FileResult, migrate_source, rule_steps
from codemods.rule import Analysis, Rule
from codemods.rules import all_rules, select_rules

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
RULES = all_rules()
BY_CODE = {rule.code: rule for rule in RULES}


def text_of(source: bytes) -> str:
    return source.decode("latin-1")  # what the engine hands to is_triggered_by


def fixture_cases() -> List[Path]:
    return sorted(FIXTURES.glob("AGM*/*.before.py"))


def needs_migration(before: Path) -> bool:
    after = before.with_name(before.name.replace(".before.py", ".after.py"))
    findings = before.with_name(before.name.replace(".before.py", ".findings"))
    listed = findings.exists() and any(
        line.strip() and not line.startswith("#") for line in findings.read_text().splitlines()
    )
    return before.read_bytes() != after.read_bytes() or listed


def unfiltered(source: bytes, rules: Sequence[Type[Rule]], path: str, monkeypatch: pytest.MonkeyPatch,
               options: Optional[dict] = None) -> FileResult:
    """``migrate_source`` with every rule triggered (no prefilter)."""
    with monkeypatch.context() as patch:
        for rule in rules:
            patch.setattr(rule, "is_triggered_by", classmethod(lambda cls, text: True))
        return migrate_source(source, rules, path, options)


#: The prefilter must hold whatever the options: the tricky cases run with the widest scope.
WIDEST = {"fanout_scope": "all"}
#: ``AGNO_MIGRATE_PREFILTER_MATRIX=full`` checks every file under both option sets (default
#: options and WIDEST).  By default (CI) each file gets one of them, chosen by a stable hash
#: of its name, so both are covered across the files at half the cost; legacy/ and migrated/
#: always get both.
FULL_MATRIX = os.environ.get("AGNO_MIGRATE_PREFILTER_MATRIX") == "full"


def option_sets(name: str, both: bool = False) -> List[Optional[dict]]:
    """The option sets file ``name`` is checked under (see :data:`FULL_MATRIX`)."""
    if FULL_MATRIX or both:
        return [None, WIDEST]
    return [[None, WIDEST][zlib.crc32(name.encode()) % 2]]


def summary(result: FileResult) -> tuple:
    return (result.migrated, result.error, [f.format() for f in result.findings])


def acting_rules(source: bytes, rules: Sequence[Type[Rule]], path: str, monkeypatch: pytest.MonkeyPatch,
                 options: Optional[dict] = None) -> List[tuple]:
    """``(code, the text the rule was given, whether an earlier rule changed the code)`` for
    every rule that changes or reports something when every rule runs (no prefilter)."""
    import libcst as cst

    try:
        module = cst.parse_module(source)
    except Exception:  # noqa: BLE001 - the engine refuses the file before any rule runs
        return []
    acting = []
    changed_before = False
    with monkeypatch.context() as patch:
        for rule in rules:
            patch.setattr(rule, "is_triggered_by", classmethod(lambda cls, text: True))
        previous = module
        for rule, context, new_module in rule_steps(module, rules, path, options, selected=rules,
                                                    analysis=Analysis(module)):
            changed = new_module is not previous and new_module.code != previous.code
            if changed or Rule.findings_of(context):
                acting.append((rule.code, previous.code, changed_before))
            changed_before = changed_before or changed
            previous = new_module
    return acting


def triggered_by(checks: dict, code: str, text: str) -> bool:
    """Whether the prefilter table ``checks`` (engine style: key string, then the check) lets ``code`` run on ``text``."""
    if code not in checks:
        return BY_CODE[code].is_triggered_by(text)
    key, check = checks[code]
    return key in text and check(text)


def assert_prefilter_passes(source: bytes, rules: Sequence[Type[Rule]], path: str,
                            monkeypatch: pytest.MonkeyPatch, options: Optional[dict] = None) -> None:
    """Every rule that acts on ``source`` is triggered by it, or, once an earlier rule
    changed the code, by the text it is given (the engine asks again then): under
    :data:`prefilter.RULE_CHECKS` and under :func:`prefilter.rule_checks` of ``options``."""
    original = text_of(source)
    for code, given, changed_before in acting_rules(source, rules, path, monkeypatch, options):
        if code == VERIFIER_CODE:
            continue
        for label, checks in (("any options", prefilter.RULE_CHECKS), (f"options {options}", prefilter.rule_checks(options))):
            assert triggered_by(checks, code, original) or (changed_before and triggered_by(checks, code, given)), (
                f"{code} prefilter ({label}) skips {path}")


@pytest.mark.parametrize("before", fixture_cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_owning_rule_is_triggered_by_fixture_that_needs_it(before: Path) -> None:
    if not needs_migration(before):
        pytest.skip("fixture is left alone by its rule")
    rule = BY_CODE[before.parent.name]
    assert rule.is_triggered_by(text_of(before.read_bytes())), f"{rule.code} prefilter skips {before.name}"


def example_files() -> List[Path]:
    files = [p for p in sorted(FIXTURES.glob("AGM*/*.py"))]
    for package in ("legacy", "migrated"):
        files += sorted((REPO / package).rglob("*.py"))
    return files


@pytest.mark.parametrize("path", example_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_prefilter_does_not_change_results(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixtures (before and after), legacy/ and migrated/: same result with and without the prefilter.

    Also: every rule that changes or reports something in the file is triggered by it.
    """
    source = path.read_bytes()
    selections = [RULES]
    if path.parent.name.startswith("AGM"):
        code = path.parent.name
        selections.append(select_rules([code], target="agno3" if code.startswith("AGM3") else "agno1"))
    relative = str(path.relative_to(REPO))
    for rules in selections:
        for options in option_sets(relative, both=not relative.startswith("tests/")):
            expected = unfiltered(source, rules, str(path), monkeypatch, options)
            if rules is RULES:
                assert_prefilter_passes(source, rules, str(path), monkeypatch, options)
            assert summary(migrate_source(source, rules, str(path), options)) == summary(expected)
    if path.match("legacy/financial_assistant/workflow.py"):
        # Every agno 1.x rule that rewrites has work there; AGM009 has nothing left to report.
        agno1 = select_rules()
        expected = unfiltered(source, agno1, str(path), monkeypatch, {**WIDEST, "unsafe_fixes": True})
        assert expected.changed and {f.code for f in expected.findings} == {
            rule.code for rule in agno1 if not rule.reports_leftovers}


# -- tricky spellings: each must be migrated (or reported) AND triggered ---------------------

HELPER = """
    async def _collect_async_responses(self, responses):
        collected = []
        async  for response in responses:
            collected.append(response)
        return collected
"""

TRICKY = {
    "AGM002 run imported under an alias, async  for": (
        "AGM002",
        "from asyncio import run as go\nfrom agno.workflow import Workflow\n\n\n"
        "class Flow(Workflow):\n    def run(self, m):\n"
        "        yield from go(self._collect_async_responses(self._run_x(m)))\n\n"
        "    async def _run_x(self, m):\n        yield m\n" + HELPER,
    ),
    "AGM003 helper with async\\\\n for": (
        "AGM003",
        "class Flow:\n    async def _drain(self, gen):\n        out = []\n        async \\\n for x in gen:\n"
        "            out.append(x)\n        return out\n",
    ),
    "AGM003 async comprehension helper": (
        "AGM003",
        "async def _drain(gen):\n    return [x async for x in gen]\n",
    ),
    "AGM004 aliased asyncio, space before the parenthesis": (
        "AGM004",
        "import asyncio as aio\n\n\ndef ask(agent, m):\n    return aio.run(agent . arun (m))\n",
    ),
    "AGM004 from asyncio import run, parenthesised argument": (
        "AGM004",
        "from asyncio import run\n\n\ndef ask(agent, m):\n    return run((agent.arun(m)))\n",
    ),
    "AGM005 gather imported by name": (
        "AGM005",
        "from asyncio import gather as g\n\n\nasync def f(a, b):\n    x, y = await g(a(), b())\n    return x, y\n",
    ),
    "AGM006 ThreadPoolExecutor from concurrent.futures.thread": (
        "AGM006",
        "import asyncio\nfrom concurrent.futures.thread import ThreadPoolExecutor\n\n\ndef f(jobs):\n"
        "    with ThreadPoolExecutor() as pool:\n        futures = [pool.submit(asyncio.run, j()) for j in jobs]\n"
        "    return [f.result() for f in futures]\n",
    ),
    "AGM007 Workflow imported under an alias": (
        "AGM007",
        "from typing import Iterator\nfrom agno.agent import RunResponse\nfrom agno.workflow import Workflow as Base\n\n\n"
        "class Flow(Base):\n    def run(self, m: str) -> Iterator[RunResponse]:\n"
        "        yield RunResponse(content=m)\n",
    ),
    "AGM007 subclass of a subclass, module import": (
        "AGM007",
        "from typing import Iterator\nimport agno.workflow as wf\nfrom agno.agent import RunResponse\n\n\n"
        "class Base(wf.Workflow):\n    pass\n\n\nclass Flow(Base):\n    def run(self, m: str) -> Iterator[RunResponse]:\n"
        "        yield RunResponse(content=m)\n",
    ),
    "AGM001 imported in a function, module alias": (
        "AGM001",
        "from typing import Iterator\n\nfrom agno.workflow import Workflow\n\n\ndef f() -> Iterator[object]:\n"
        "    import agno.run.response as r\n\n    yield r.RunResponseContentEvent(content='x')\n\n\n"
        "class Flow(Workflow):\n    pass\n",
    ),
    "AGM001 from agno import agent": (
        "AGM001",
        "from agno import agent\nfrom agno.workflow import Workflow\n\n\ndef f():\n"
        "    return agent.RunResponseContentEvent(content='x')\n\n\nclass Flow(Workflow):\n    pass\n",
    ),
    "AGM006 executor imported under an alias": (
        "AGM006",
        "import asyncio\nfrom concurrent.futures import ThreadPoolExecutor as Pool\n\n\ndef f(jobs):\n"
        "    with Pool() as pool:\n        futures = [pool.submit(asyncio.run, j()) for j in jobs]\n"
        "    return [f.result() for f in futures]\n",
    ),
    "AGM004 import after a semicolon": (
        "AGM004",
        "import os; import asyncio\n\n\ndef f(agent):\n    return asyncio.run(agent.arun(os.sep))\n",
    ),
    "AGM005 import continued with a backslash": (
        "AGM005",
        "import os, \\\n    asyncio\n\n\nasync def f(a, b):\n    x, y = await asyncio.gather(a(), b())\n    return x, y\n",
    ),
    "AGM002 bridge across lines, with comments": (
        "AGM002",
        "import asyncio\n\n\nclass Flow:\n    async def _collect(self, responses):\n"
        "        collected = []\n"
        "        async for response in responses:\n            collected.append(response)\n        return collected\n\n"
        "    def run(self, m):\n        return asyncio.run(  # bridge\n            self._collect(\n"
        "                self.stream(m)))\n",
    ),
    "AGM003 helper with a docstring": (
        "AGM003",
        "class Flow:\n    async def _collect_items(self, items):\n        \"\"\"Collect.\n\ndef in a docstring.\"\"\"\n"
        "        return [item async for item in items]\n",
    ),
    "AGM007 aliased base, comment with a bracket": (
        "AGM007",
        "from agno.workflow import Workflow as Base\n\n\nclass Flow(  # (a comment\n    Base,\n):\n"
        "    def run(self, m):\n        yield m\n",
    ),
    "AGM002 helper called on a subscripted receiver": (
        "AGM002",
        "import asyncio\nfrom agno.workflow import Workflow\n\n\n"
        "async def _collect_async_responses(responses):\n    collected = []\n"
        "    async for response in responses:\n        collected.append(response)\n    return collected\n\n\n"
        "class Flow(Workflow):\n    helpers = ()\n\n    def run(self, m):\n"
        "        yield from asyncio.run(self.helpers[0]._collect_async_responses(self._run_x(m)))\n\n"
        "    async def _run_x(self, m):\n        yield m\n",
    ),
    "AGM003 helper with a comment in its signature and a docstring": (
        "AGM003",
        "class Flow:\n    async def _drain(\n        self,\n        gen,  # the stream (any)\n    ):\n"
        "        \"\"\"Drain it.\n\ndef in a docstring.\"\"\"\n        return [x async for x in gen]\n\n"
        "    @property\n    def name(self):\n        return 'x'\n",
    ),
    "AGM004 subscripted receiver after a comment": (
        "AGM004",
        "import asyncio\n\n\nclass Flow:\n    def ask(self, m):\n        return asyncio.run(  # (one agent)\n"
        "            self.agents[0].arun(m)\n        )\n",
    ),
    "AGM004 receiver returned by a call": (
        "AGM004",
        "import asyncio\n\n\ndef ask(make, m):\n    return asyncio.run(make(m, (1, 2)).arun(m))\n",
    ),
    "AGM007 nested brackets among the bases": (
        "AGM007",
        "from agno.workflow import Workflow\n\n\ndef mixin(*args, **kwargs):\n    return object\n\n\n"
        "class Flow(mixin(dict(a=(1, [2]))), Workflow):\n    def run(self, m):\n        yield m\n",
    ),
    "AGM008 from agno import workflow": (
        "AGM008",
        "from agno import workflow\n\n\nclass Flow(workflow.Workflow):\n    def run(self, m):\n        yield m\n\n"
        "    async def arun(self, m):\n        yield m\n",
    ),
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_spelling_is_triggered(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, text = TRICKY[name]
    source = text.encode()
    rules = select_rules([code])
    expected = unfiltered(source, rules, "tricky.py", monkeypatch, WIDEST)
    assert expected.error is None, expected.error
    assert any(f.code == code for f in expected.findings), f"{name}: the case does not exercise {code}"
    assert BY_CODE[code].is_triggered_by(text_of(source))
    assert summary(migrate_source(source, rules, "tricky.py", WIDEST)) == summary(expected)


# -- files the prefilter now skips (they used to be parsed for nothing) ----------------------

CLEAN = {
    "AGM004": "import asyncio\n\n\nasync def main(agent):\n    return await agent.arun('hi')\n\n\nasyncio.run(main())\n",
    "AGM002": "import asyncio\n\n\nasync def main(agent):\n    async for chunk in agent.stream():\n        print(chunk)\n",
    "AGM003": "async def main(agent):\n    await agent.arun('hi')\n",
    "AGM007": "from agno.workflow import Workflow\n\n\ndef build() -> Workflow:\n    return Workflow(name='x')\n",
    "AGM005": "def gather(items):\n    return list(items)\n",
    "AGM001": "from agno.run.team import TeamRunResponseContentEvent, RunResponseContentEvent\n\n\n"
              "def f(e):\n    return isinstance(e, RunResponseContentEvent)\n",
    "AGM006": "from concurrent.futures import ThreadPoolExecutor\n\n\n"
              "def f(pool: ThreadPoolExecutor):\n    return pool.submit(print)\n",
    "AGM005-relative-import": "# asyncio internals\nfrom . import tasks\n\n\nasync def f(a):\n"
                              "    await tasks.gather(a())\n",
    "AGM002-generator-not-a-call": "from asyncio import run\n\n\nasync def iterate(it):\n    acc = []\n"
                                   "    async for x in it:\n        acc.append(x)\n    return acc\n\n\n"
                                   "def f(m):\n    return run(iterate(m))\n",
    "AGM007-workflow-in-a-string": "import agno\n\n\nclass Flow(dict):\n    'Not a Workflow.'\n",
    "AGM003-streaming": "async def _stream(self, agent, m):\n    async for chunk in agent.arun(m, stream=True):\n"
                        "        yield chunk\n",
    "AGM003-two-parameters": "async def _collect(gen, limit):\n    out = []\n    async for x in gen:\n"
                             "        out.append(x)\n    return out[:limit]\n",
    "AGM002-two-parameters": "import asyncio\n\n\nasync def _collect(gen, limit):\n    out = []\n"
                             "    async for x in gen:\n        out.append(x)\n    return out[:limit]\n\n\n"
                             "def f(g):\n    return asyncio.run(_collect(g(), 3))\n",
    "AGM004-not-an-argument": "import asyncio\n\n\ndef f(agent, loop):\n    task = agent.arun('hi')\n"
                              "    return loop.run_until_complete(task)\n\n\nasync def g(agent):\n"
                              "    return await agent.arun('hi')\n",
    "AGM008-wrapped": "from agno.workflow import Workflow\n\n\nclass Flow(Workflow):\n"
                      "    def update_run_method(self) -> None:\n        super().update_run_method()\n\n"
                      "    def run(self, m):\n        yield m\n\n"
                      "    # agno-migrate: generated from run(); edit that method, not this one\n"
                      "    async def arun(self, m):\n        yield m\n",
    "AGM008-run-only": "from agno.workflow import Workflow\n\n\nclass Flow(Workflow):\n"
                       "    def run(self, m):\n        yield m\n\n    async def astream(self, m):\n        yield m\n",
}


@pytest.mark.parametrize("code", sorted(CLEAN))
def test_clean_file_is_not_triggered(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    source = CLEAN[code].encode()
    rule = BY_CODE[code.split("-")[0]]
    assert not rule.is_triggered_by(text_of(source))
    result = unfiltered(source, [rule], "clean.py", monkeypatch)
    assert not result.changed and not result.findings


def test_unparsable_for_ast_is_triggered() -> None:
    """Code Python's ast cannot parse (here: 3.12 syntax) is left to LibCST to decide."""
    text = "from agno.workflow import Workflow\n\n\nclass Flow[T](Workflow):\n    pass\n"
    assert prefilter.syntax_tree(text) is None
    assert BY_CODE["AGM007"].is_triggered_by(text)


def test_encoding_cookie_is_honoured() -> None:
    source = "# -*- coding: latin-1 -*-\nimport asyncio\nS = 'caf\xe9'\n\n\ndef f(a):\n    return asyncio.run(a.arun(S))\n"
    assert BY_CODE["AGM004"].is_triggered_by(text_of(source.encode("latin-1")))


# -- the fan-out rules stay in workflow code unless fanout_scope is "all" -------------------------

OUTSIDE_WORKFLOWS = {
    "AGM005": "import asyncio\n\n\nasync def f(a, b):\n    x, y = await asyncio.gather(a(), b())\n    return x, y\n",
    "AGM006": "import asyncio\nfrom concurrent.futures import ThreadPoolExecutor\n\n\ndef f(jobs):\n"
              "    with ThreadPoolExecutor() as pool:\n        futures = [pool.submit(asyncio.run, j()) for j in jobs]\n"
              "    return [f.result() for f in futures]\n",
}


@pytest.mark.parametrize("code", sorted(OUTSIDE_WORKFLOWS))
def test_fanout_rule_outside_workflows_is_triggered_only_in_the_widest_scope(
        code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = OUTSIDE_WORKFLOWS[code]
    rule = BY_CODE[code]
    for options in (None, {"fanout_scope": "workflow"}):
        assert not triggered_by(prefilter.rule_checks(options), code, text)
        assert not prefilter.may_apply(code, text, options or {})
        result = unfiltered(text.encode(), [rule], "fanout.py", monkeypatch, options)
        assert not result.changed and not result.findings  # what the prefilter relies on
    assert triggered_by(prefilter.rule_checks(WIDEST), code, text)
    assert triggered_by(prefilter.RULE_CHECKS, code, text) and rule.is_triggered_by(text)  # whatever the options
    assert unfiltered(text.encode(), [rule], "fanout.py", monkeypatch, WIDEST).findings


def test_rule_checks_follow_the_fanout_scope() -> None:
    assert prefilter.rule_checks({"fanout_scope": "all"}) is prefilter.RULE_CHECKS
    scoped = prefilter.rule_checks({})
    assert set(scoped) == set(prefilter.RULE_CHECKS)
    assert {code for code in scoped if scoped[code] != prefilter.RULE_CHECKS[code]} == set(prefilter.FANOUT_RULES)
    assert all(scoped[code][0] == "Workflow" for code in prefilter.FANOUT_RULES)
    with pytest.raises(ValueError):
        prefilter.rule_checks({"fanout_scope": "nowhere"})
