"""The output verifier: each invariant catches a broken rewrite, and the engine takes it back."""

from __future__ import annotations

import textwrap
from typing import List

import libcst as cst
import pytest

from codemods import verify
from codemods.engine import VERIFIER_CODE, migrate_source, run
from codemods.rule import Rule

HEAD = """\
import asyncio
from typing import AsyncIterator, Iterator, List

from agno.run.response import RunResponse
from agno.workflow import Workflow

"""


def src(body: str) -> str:
    return HEAD + textwrap.dedent(body)


def invariants(before: str, after: str) -> List[str]:
    return [v.invariant for v in verify.new_violations(before, after)]


# -- each invariant, on a rewrite that breaks it ----------------------------------------------

SUBFLOW = """
class Flow(Workflow):
    def run(self, message: str) -> Iterator[RunResponse]:
        {run_body}

    async def _run_x_flow(self, message: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=message)

    async def _collect(self, gen) -> List[RunResponse]:
        return [r async for r in gen]
"""

BRIDGE = "yield from asyncio.run(self._collect(self._run_x_flow(message)))"


def test_call_kind_yield_from_over_an_async_generator() -> None:
    """A bridge rewritten to ``yield from`` a method whose sync twin never came."""
    before = src(SUBFLOW.format(run_body=BRIDGE))
    after = src(SUBFLOW.format(run_body="yield from self._run_x_flow(message)"))
    assert invariants(before, after) == ["call-kind"]


def test_recursion_yield_from_own_run() -> None:
    before = src("""
    class Flow(Workflow):
        def run(self, message: str) -> Iterator[RunResponse]:
            yield from asyncio.run(self._collect(self.arun(message)))

        async def arun(self, message: str) -> AsyncIterator[RunResponse]:
            yield RunResponse(content=message)

        async def _collect(self, gen) -> List[RunResponse]:
            return [r async for r in gen]
    """)
    after = before.replace("yield from asyncio.run(self._collect(self.arun(message)))", "yield from self.run(message)")
    assert "recursion" in invariants(before, after)


def test_loop_in_async_direct_and_through_a_sync_helper() -> None:
    before = src("""
    class Flow(Workflow):
        def run(self, message: str) -> Iterator[RunResponse]:
            loop = asyncio.new_event_loop()
            yield RunResponse(content=loop.run_until_complete(asyncio.sleep(0, message)))

        def _helper(self) -> str:
            return asyncio.run(asyncio.sleep(0, "x"))
    """)
    copied = before + textwrap.indent(textwrap.dedent("""
        async def arun(self, message: str) -> AsyncIterator[RunResponse]:
            loop = asyncio.new_event_loop()
            yield RunResponse(content=loop.run_until_complete(asyncio.sleep(0, message)))
    """), "    ")
    assert invariants(before, copied) == ["loop-in-async"]
    via_helper = before + textwrap.indent(textwrap.dedent("""
        async def arun(self, message: str) -> AsyncIterator[RunResponse]:
            yield RunResponse(content=self._helper())
    """), "    ")
    violations = verify.new_violations(before, via_helper)
    assert [v.invariant for v in violations] == ["loop-in-async"]
    assert "self._helper() -> asyncio.run()" in violations[0].message


def test_loop_in_async_in_a_nested_function() -> None:
    before = src("""
    class Flow(Workflow):
        def run(self, message: str) -> Iterator[RunResponse]:
            yield RunResponse(content=message)
    """)
    after = before + textwrap.indent(textwrap.dedent("""
        async def arun(self, message: str) -> AsyncIterator[RunResponse]:
            def drain() -> str:
                return asyncio.run(asyncio.sleep(0, message))
            yield RunResponse(content=drain())
    """), "    ")
    assert invariants(before, after) == ["loop-in-async"]


def test_unresolved_call_introduced() -> None:
    before = src("""
    class Flow(Workflow):
        def run(self, message: str) -> Iterator[RunResponse]:
            yield RunResponse(content=message)
    """)
    after = before.replace("yield RunResponse(content=message)", "yield from self._run_inherited(message)")
    assert invariants(before, after) == ["unresolved-call"]


def test_renamed_method_still_used_outside_its_class() -> None:
    before = src(SUBFLOW.format(run_body=BRIDGE)) + textwrap.dedent("""

    async def outside(flow: Flow) -> list:
        return [r async for r in flow._run_x_flow("m")]
    """)
    after = before.replace("async def _run_x_flow(self, message: str) -> AsyncIterator[RunResponse]:",
                           "def _run_x_flow(self, message: str) -> Iterator[RunResponse]:")
    after = after.replace(BRIDGE, "yield from self._run_x_flow(message)")
    assert "renamed-in-use" in invariants(before, after)


def test_removed_helper_still_called() -> None:
    before = src(SUBFLOW.format(run_body=BRIDGE))
    after = before.replace("""    async def _collect(self, gen) -> List[RunResponse]:
        return [r async for r in gen]
""", "")
    assert "renamed-in-use" in invariants(before, after)


def test_overridden_in_a_subclass() -> None:
    """The base's async subflow becomes sync; a subclass in the module still overrides it as async."""
    premium = textwrap.dedent("""

    class Premium(Flow):
        async def _run_x_flow(self, message: str) -> AsyncIterator[RunResponse]:
            yield RunResponse(content="premium")
    """)
    before = src(SUBFLOW.format(run_body=BRIDGE)) + premium
    after = src(SUBFLOW.format(run_body="yield from self._run_x_flow(message)").replace(
        "    async def _run_x_flow(self, message: str) -> AsyncIterator[RunResponse]:\n"
        "        yield RunResponse(content=message)\n",
        "    async def _arun_x_flow(self, message: str) -> AsyncIterator[RunResponse]:\n"
        "        yield RunResponse(content=message)\n\n"
        "    def _run_x_flow(self, message: str) -> Iterator[RunResponse]:\n"
        "        yield RunResponse(content=message)\n")) + premium
    violations = verify.new_violations(before, after)
    assert [v.invariant for v in violations] == ["renamed-in-use"]
    assert "Premium" in violations[0].message


def test_undefined_name_after_an_import_was_removed() -> None:
    before = src("""
    def f() -> None:
        asyncio.run(asyncio.sleep(0))
    """)
    after = before.replace("import asyncio\n", "")
    assert invariants(before, after) == ["undefined-name"]


def test_undefined_name_is_per_scope() -> None:
    """A name bound only in another function (a TaskGroup's ``tg``) is undefined
    where a rewrite starts using it without binding it."""
    before = src("""
    async def fan_out(coros: list) -> None:
        async with asyncio.TaskGroup() as tg:
            for coro in coros:
                tg.create_task(coro)


    def quotes(pool, symbols: list) -> dict:
        return {s: pool.submit(len, s) for s in symbols}
    """)
    after = before.replace("pool.submit(len, s)", "tg.create_task(len, s)")
    assert invariants(before, after) == ["undefined-name"]
    # Bound at module level, by a global statement, or in an enclosing function: defined.
    for binding in ("tg = None\n", "def setup():\n    global tg\n    tg = None\n"):
        assert invariants(before + binding, after + binding) == []
    nested = before.replace("def quotes(pool, symbols: list) -> dict:\n",
                            "def quotes(pool, symbols: list) -> dict:\n    tg = pool\n")
    assert invariants(nested, nested.replace("pool.submit(len, s)", "tg.create_task(len, s)")) == []


def test_compile_errors() -> None:
    before = src("""
    async def f() -> AsyncIterator[int]:
        yield 1
    """)
    assert invariants(before, before.replace("yield 1", "yield from [1]")) == ["compiles"]
    assert invariants(before, before.replace("async def f", "def f").replace("yield 1", "await g()")) == ["compiles"]


def test_what_the_original_already_broke_is_not_blamed_on_the_rewrite() -> None:
    before = src("""
    class Flow(Workflow):
        async def arun(self, message: str) -> AsyncIterator[RunResponse]:
            yield RunResponse(content=asyncio.run(asyncio.sleep(0, message)))

        def run(self, message: str) -> Iterator[RunResponse]:
            yield from self._missing(message)
    """)
    after = "# a comment moves every line\n" + before
    assert verify.check(before)  # the original breaks invariants itself...
    assert invariants(before, after) == []  # ...which the rewrite did not introduce


# -- the engine takes a breaking rewrite back -----------------------------------------------------


class RecursionRule(Rule):
    """Test-only: turns the bridge over ``self.arun`` into ``yield from self.run`` (infinite recursion)."""

    code = "TST901"
    name = "make-recursion"
    summary = "test"
    triggers = ("arun",)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if isinstance(updated_node.func, cst.Attribute) and updated_node.func.attr.value == "run" \
                and isinstance(updated_node.func.value, cst.Name) and updated_node.func.value.value == "asyncio":
            self.report(original_node, "bridge -> yield from self.run")
            return cst.parse_expression("self.run(message)")
        return updated_node


RECURSION_SOURCE = src("""
class Flow(Workflow):
    def run(self, message: str) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect(self.arun(message)))

    async def arun(self, message: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=message)

    async def _collect(self, gen) -> List[RunResponse]:
        return [r async for r in gen]
""")


def test_engine_leaves_the_file_unchanged_and_says_why() -> None:
    result = migrate_source(RECURSION_SOURCE.encode(), [RecursionRule], "flow.py")
    assert result.error is None
    assert result.migrated == RECURSION_SOURCE.encode()
    assert not any(f.fixed for f in result.findings), "no fix may be claimed for a rewrite taken back"
    [finding] = [f for f in result.findings if f.code == VERIFIER_CODE]
    assert finding.line == RECURSION_SOURCE.splitlines().index(
        "        yield from asyncio.run(self._collect(self.arun(message)))") + 1
    assert "TST901" in finding.message and "recursion" in finding.message
    assert finding.format().startswith("flow.py:")
    assert "[left alone]" in finding.format()


def test_engine_never_writes_a_rewrite_taken_back(tmp_path) -> None:
    path = tmp_path / "flow.py"
    path.write_text(RECURSION_SOURCE)
    [result] = run([str(path)], [RecursionRule], write=True)
    assert not result.written and path.read_text() == RECURSION_SOURCE
    assert any(f.code == VERIFIER_CODE for f in result.findings)


def test_a_method_renamed_in_one_file_and_overridden_in_another(tmp_path) -> None:
    """Project-wide: the base module would rename its subflow; a subclass module overrides it."""
    from codemods.rules import select_codes

    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    base = src(SUBFLOW.format(run_body=BRIDGE).replace("_collect(", "_collect_async_responses("))
    (package / "base.py").write_text(base)
    (package / "premium.py").write_text(textwrap.dedent("""
        from typing import AsyncIterator

        from agno.run.response import RunResponse

        from .base import Flow


        class Premium(Flow):
            async def _run_x_flow(self, message: str) -> AsyncIterator[RunResponse]:
                yield RunResponse(content="premium " + message)
    """))
    alone = migrate_source(base.encode(), select_codes(), "base.py")
    assert alone.changed, "on its own, base.py is migrated"
    results = {r.path: r for r in run([str(package)], select_codes(), write=False)}
    together = results[str(package / "base.py")]
    assert not together.changed
    [finding] = [f for f in together.findings if f.code == VERIFIER_CODE]
    assert "premium.py" in finding.message and "_run_x_flow" in finding.message


@pytest.mark.parametrize("name", ["asyncio.run", "loop.run_until_complete", "asyncio.new_event_loop",
                                  "nest_asyncio.apply", "anyio.run"])
def test_every_bridge_spelling_is_found_in_workflow_classes(name: str) -> None:
    text = src(f"""
    import anyio
    import nest_asyncio


    class Flow(Workflow):
        def run(self, message: str, loop=None) -> Iterator[RunResponse]:
            yield RunResponse(content={name}(message))
    """)
    bridges = verify.event_loop_bridges(text)
    assert [b.call for b in bridges] == [name]


def test_bridges_outside_workflow_classes_and_the_boundary_are_not_reported() -> None:
    text = src("""
    class _BlockingTaskGroup:
        def run(self, coro):
            return asyncio.run(coro)


    class Plain:
        def run(self):
            return asyncio.run(asyncio.sleep(0))


    def main() -> None:
        asyncio.run(asyncio.sleep(0))
    """)
    assert verify.event_loop_bridges(text) == []


def test_two_workflows_with_the_same_layout_in_two_files_both_migrate(tmp_path) -> None:
    """Each file's own ``self._run_x_flow`` is its own method, not a use of the other's."""
    from codemods.rules import select_codes

    source = src(SUBFLOW.format(run_body=BRIDGE).replace("_collect(", "_collect_async_responses("))
    for name in ("first.py", "second.py"):
        (tmp_path / name).write_text(source)
    results = run([str(tmp_path)], select_codes(), write=False)
    assert [r.changed for r in results] == [True, True]
    assert not any(f.code == VERIFIER_CODE for r in results for f in r.findings)


def test_loop_reached_through_a_helper_object_or_a_property() -> None:
    """``self.<attr>.m()`` on a module class and ``self.<property>`` are followed too."""
    before = src("""
    class Cache:
        def items(self) -> list:
            return asyncio.run(asyncio.sleep(0, []))


    class Flow(Workflow):
        def __init__(self) -> None:
            super().__init__()
            self.cache = Cache()

        @property
        def glossary(self) -> str:
            return asyncio.run(asyncio.sleep(0, "g"))

        def run(self, message: str) -> Iterator[RunResponse]:
            yield RunResponse(content=f"{self.cache.items()} {self.glossary}")
    """)
    twin = before + textwrap.indent(textwrap.dedent("""
        async def arun(self, message: str) -> AsyncIterator[RunResponse]:
            yield RunResponse(content=f"{self.cache.items()}")

        async def _aglossary(self) -> str:
            return self.glossary
    """), "    ")
    violations = verify.new_violations(before, twin)
    assert [v.invariant for v in violations] == ["loop-in-async", "loop-in-async"]
    messages = " | ".join(v.message for v in violations)
    assert "self.cache.items() -> asyncio.run()" in messages and "self.glossary -> asyncio.run()" in messages


def test_methods_looked_up_by_computed_name_or_stored_are_uses() -> None:
    before = src(SUBFLOW.format(run_body="flow = getattr(self, f'_run_{message}_flow')\n        yield from flow(message)"))
    after = before.replace("async def _run_x_flow(self, message: str) -> AsyncIterator[RunResponse]:",
                           "def _run_x_flow(self, message: str) -> Iterator[RunResponse]:")
    assert "renamed-in-use" in invariants(before, after)
    stored = src(SUBFLOW.format(run_body="flows = {'x': self._run_x_flow}\n        yield from flows[message](message)"))
    after = stored.replace("async def _run_x_flow(self, message: str) -> AsyncIterator[RunResponse]:",
                           "def _run_x_flow(self, message: str) -> Iterator[RunResponse]:")
    assert "renamed-in-use" in invariants(stored, after)


def test_awaiting_another_workflows_async_generator() -> None:
    """``await self.<workflow>.arun(...)`` where that attribute is a module Workflow whose arun yields."""
    before = src("""
    class Researcher(Workflow):
        async def arun(self, topic: str) -> AsyncIterator[RunResponse]:
            yield RunResponse(content=topic)


    class Writer(Workflow):
        def __init__(self) -> None:
            super().__init__()
            self.research = Researcher()

        def run(self, topic: str) -> Iterator[RunResponse]:
            yield RunResponse(content=topic)
    """)
    after = before + textwrap.indent(textwrap.dedent("""
        async def arun(self, topic: str) -> AsyncIterator[RunResponse]:
            notes = await self.research.arun(topic=topic)
            yield RunResponse(content=str(notes))
    """), "    ")
    assert invariants(before, after) == ["call-kind"]


def test_async_twin_calling_a_loop_function_of_another_file(tmp_path) -> None:
    """A generated arun() would call a function of a sibling module that runs asyncio.run."""
    from codemods.rules import select_codes

    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "rates.py").write_text(
        "import asyncio\n\n\nasync def _fetch() -> float:\n    return 1.0\n\n\n"
        "def get_rate() -> float:\n    return asyncio.run(_fetch())\n")
    (package / "flow.py").write_text(src("""
    from .rates import get_rate


    class Flow(Workflow):
        def run(self, message: str) -> Iterator[RunResponse]:
            yield RunResponse(content=f"{message} {get_rate()}")
    """))
    alone = migrate_source((package / "flow.py").read_bytes(), select_codes(), "flow.py")
    assert alone.changed, "on its own, flow.py gets an arun() twin"
    results = {r.path: r for r in run([str(package)], select_codes(), write=False)}
    flow = results[str(package / "flow.py")]
    assert not flow.changed
    [finding] = [f for f in flow.findings if f.code == VERIFIER_CODE]
    assert "rates.py" in finding.message and "get_rate()" in finding.message and "asyncio.run" in finding.message


def test_sync_run_of_an_agent_whose_tools_may_be_async() -> None:
    before = src("""
    from agno.agent import Agent


    async def lookup(city: str) -> str:
        return city


    def shout(text: str) -> str:
        return text.upper()


    class Flow(Workflow):
        def __init__(self, model, tools) -> None:
            super().__init__()
            self.async_tooled = Agent(model=model, tools=[lookup])
            self.param_tooled = Agent(model=model, tools=[tools])
            self.sync_tooled = Agent(model=model, tools=[shout])

        async def arun(self, message: str) -> AsyncIterator[RunResponse]:
            yield await self.async_tooled.arun(message)
    """)
    twin = before + textwrap.indent(textwrap.dedent("""
        def run(self, message: str) -> Iterator[RunResponse]:
            yield self.async_tooled.run(message, stream=False)
            yield self.param_tooled.run(message, stream=False)
            yield self.sync_tooled.run(message, stream=False)
    """), "    ")
    violations = verify.new_violations(before, twin)
    assert [v.invariant for v in violations] == ["agent-tools", "agent-tools"]
    assert "lookup is async" in violations[0].message and "tools is not" in violations[1].message


# -- breaker round 3: what a sync twin or a removal may break ---------------------------------


def test_loop_api_in_sync_code() -> None:
    """A sync twin of a subflow that used a loop-bound asyncio API raises when it runs."""
    before = src("""
    class Flow(Workflow):
        async def _arun_save(self, text: str) -> str:
            loop = asyncio.get_running_loop()
            await asyncio.shield(self._write(text))
            return await loop.run_in_executor(None, len, text)

        async def _write(self, text: str) -> None:
            return None
    """)
    twin = """
        def _run_save(self, text: str) -> str:
            loop = asyncio.get_running_loop()
            asyncio.shield(self._write(text))
            return 0
    """
    after = before + textwrap.indent(textwrap.dedent(twin), "    ")
    assert invariants(before, after) == ["loop-api-in-sync", "loop-api-in-sync"]
    # Inside a nested async function or a lambda it may run in the loop: not flagged.
    nested = before + textwrap.indent(textwrap.dedent("""
        def _schedule(self) -> None:
            async def later() -> None:
                asyncio.get_running_loop()
            self._later = later
    """), "    ")
    assert invariants(before, nested) == []


def test_loop_through_a_classmethod_called_by_class_name() -> None:
    before = src("""
    class Flow(Workflow):
        @classmethod
        def load(cls) -> str:
            return asyncio.run(cls._fetch())

        @staticmethod
        async def _fetch() -> str:
            return "x"

        def run(self, message: str) -> Iterator[RunResponse]:
            yield RunResponse(content=Flow.load())
    """)
    for spelling in ("Flow.load()", "type(self).load()", "self.__class__.load()"):
        text = before.replace("Flow.load()", spelling)
        after = text + textwrap.indent(textwrap.dedent(f"""
            async def arun(self, message: str) -> AsyncIterator[RunResponse]:
                yield RunResponse(content={spelling})
        """), "    ")
        assert invariants(text, after) == ["loop-in-async"], spelling


def test_agents_built_as_annotated_or_aliased_attributes() -> None:
    before = src("""
    async def search(query: str) -> str:
        return query


    class Flow(Workflow):
        scout: Agent = Agent(name="scout", tools=[search])

        def __init__(self) -> None:
            super().__init__()
            self.finder = self.scout

        async def _arun_find(self, q: str) -> str:
            response = await self.finder.arun(q)
            return response.content
    """).replace("from agno.workflow import", "from agno.agent import Agent\nfrom agno.workflow import")
    for attribute in ("scout", "finder"):
        after = before + textwrap.indent(textwrap.dedent(f"""
            def _run_find(self, q: str) -> str:
                return self.{attribute}.run(q, stream=False).content
        """), "    ")
        assert invariants(before, after) == ["agent-tools"], attribute


def test_removing_a_method_that_may_override_a_base_from_elsewhere() -> None:
    before = src("""
    from .base import Changelog


    class Audited(Changelog):
        async def _collect_async_responses(self, gen):
            return [item async for item in gen]
    """)
    after = before.replace(
        "    async def _collect_async_responses(self, gen):\n        return [item async for item in gen]\n",
        "    pass\n")
    assert invariants(before, after) == ["renamed-in-use"]
    plain = before.replace("from .base import Changelog\n", "").replace("(Changelog)", "(Workflow)")
    assert invariants(plain, after.replace("from .base import Changelog\n", "").replace("(Changelog)", "(Workflow)")) == []


def test_renamed_subflow_called_from_a_lambda() -> None:
    """`lambda t: self._run_a_flow(t)` hands the generator on: call-kind cannot see its use."""
    before = src("""
    class Flow(Workflow):
        def __init__(self) -> None:
            super().__init__()
            self.flows = {"a": lambda t: self._run_a_flow(t)}

        async def _run_a_flow(self, t: str) -> AsyncIterator[RunResponse]:
            yield RunResponse(content=t)
    """)
    after = before.replace("async def _run_a_flow(self, t: str) -> AsyncIterator[RunResponse]:",
                           "def _run_a_flow(self, t: str) -> Iterator[RunResponse]:")
    assert invariants(before, after) == ["renamed-in-use"]


def test_boundary_used_like_a_user_task_group() -> None:
    base = src("""
    def fan_out(coros: list) -> int:
        try:
            with _BlockingTaskGroup() as tg:
                for coro in coros:
                    tg.create_task(coro)
        except* Exception as group:
            raise group.exceptions[0]
        return 0
    """).replace("import asyncio\n", "import asyncio\nfrom x import _BlockingTaskGroup\n")
    assert invariants(base.replace("return 0", "return 1"), base) == []  # the generated shape
    named = base.replace("tg.create_task(coro)", "tg.create_task(coro, name='step')")
    counted = base.replace("raise group.exceptions[0]", "print(len(group.exceptions))")
    assert invariants(base, named) == ["boundary-semantics"]
    assert invariants(base, counted) == ["boundary-semantics"]


def test_generated_twin_and_an_override_elsewhere() -> None:
    before = src("""
    class Flow(Workflow):
        def run(self, message: str) -> Iterator[RunResponse]:
            yield RunResponse(content=message)
    """)
    after = before + textwrap.indent(textwrap.dedent("""
        # agno-migrate: generated from run(); edit that method, not this one
        async def arun(self, message: str) -> AsyncIterator[RunResponse]:
            yield RunResponse(content=message)
    """), "    ")
    assert verify.generated_twins(before, after) == [("Flow", "arun", "run")]
    assert verify.generated_twins(after, after) == []  # not new
    sub = "from .flow import Flow\n\n\nclass Branded(Flow):\n    def run(self, message):\n        yield from super().run(message)\n"
    assert verify.overrides_without_twin("Flow", "arun", "run", sub) == 5
    assert verify.overrides_without_twin("Flow", "arun", "run", sub + "\n    async def arun(self, m):\n        yield m\n") is None


def test_sync_run_on_an_attribute_that_is_not_an_agent() -> None:
    before = src("""
    from .crawler import AsyncWebCrawler


    class Flow(Workflow):
        def __init__(self, crawler: AsyncWebCrawler) -> None:
            super().__init__()
            self.crawler = crawler
            self.other = AsyncWebCrawler()

        async def _arun_fetch(self, url: str) -> str:
            page = await self.crawler.arun(url=url)
            return page.text
    """)
    for attribute in ("crawler", "other"):
        after = before + textwrap.indent(textwrap.dedent(f"""
            def _run_fetch(self, url: str) -> str:
                return self.{attribute}.run(url=url, stream=False).text
        """), "    ")
        assert invariants(before, after) == ["agent-tools"], attribute
    agent = before.replace("crawler: AsyncWebCrawler", "crawler: Agent").replace(
        "self.other = AsyncWebCrawler()", "self.other = build_agent()")
    after = agent + textwrap.indent(textwrap.dedent("""
        def _run_fetch(self, url: str) -> str:
            return self.crawler.run(url, stream=False).content
    """), "    ")
    assert "agent-tools" not in invariants(agent, after)


def test_item_type_checked_in_another_file(tmp_path) -> None:
    """AGM001 changes the items a workflow yields; a UI module of the run that checks them
    for RunResponseContentEvent would filter everything out: the file is left alone."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "flow.py").write_text(src("""
    from agno.run.response import RunResponseContentEvent


    class Flow(Workflow):
        def run(self, message: str) -> Iterator[RunResponseContentEvent]:
            yield RunResponseContentEvent(content=message)
    """))
    ui = "from .flow import Flow\n\n\ndef show(flow: Flow, m):\n    return [i for i in flow.run(m) if isinstance(i, RunResponseContentEvent)]\n"
    (package / "app.py").write_text("from agno.run.response import RunResponseContentEvent\n" + ui)
    unsafe = {"unsafe_fixes": True}  # AGM001's fix is unsafe where items leave through run()
    results = {r.path: r for r in run([str(package)], ["AGM001"], write=False, options=unsafe)}
    flow = results[str(package / "flow.py")]
    assert not flow.changed and any(f.code == VERIFIER_CODE and "item-type" in f.message for f in flow.findings)
    (package / "app.py").write_text(ui.replace("isinstance(i, RunResponseContentEvent)", "i.content"))
    results = {r.path: r for r in run([str(package)], ["AGM001"], write=False, options=unsafe)}
    assert results[str(package / "flow.py")].changed


def test_sync_code_setting_a_context_var() -> None:
    before = src("""
    import contextvars

    language = contextvars.ContextVar("language", default="en")


    class Flow(Workflow):
        async def _arun_reply(self) -> str:
            language.set("fr")
            return language.get()
    """)
    after = before + textwrap.indent(textwrap.dedent("""
        def _run_reply(self) -> str:
            language.set("fr")
            return language.get()
    """), "    ")
    assert invariants(before, after) == ["context-var"]


# -- breaker round 4: spellings the invariants did not see ------------------------------------

def test_loop_runner_bound_by_assignment_is_a_loop_call() -> None:
    """``run_sync = asyncio.run`` (or a partial of it, or a class attribute): calling it runs a loop."""
    for binding, call in (("run_sync = asyncio.run\n", "run_sync"),
                          ("import functools\nrun_sync = functools.partial(asyncio.run, debug=True)\n", "run_sync")):
        before = HEAD + binding + textwrap.dedent("""
        class Flow(Workflow):
            def run(self, message: str) -> Iterator[RunResponse]:
                yield from run_sync(self._collect(message))

            async def _collect(self, message: str) -> List[RunResponse]:
                return [RunResponse(content=message)]
        """)
        after = before + textwrap.indent(textwrap.dedent(f"""
            async def arun(self, message: str) -> AsyncIterator[RunResponse]:
                for item in {call}(self._collect(message)):
                    yield item
        """), "    ")
        assert invariants(before, after) == ["loop-in-async"], binding
        assert [b.call for b in verify.event_loop_bridges(before)] == [call]
    in_class = src("""
    class Flow(Workflow):
        _block = asyncio.run

        def run(self, message: str) -> Iterator[RunResponse]:
            yield from self._block(self._collect(message))

        async def _collect(self, message: str) -> List[RunResponse]:
            return [RunResponse(content=message)]
    """)
    assert [b.call for b in verify.event_loop_bridges(in_class)] == ["self._block"]


def test_changed_method_whose_result_leaves_the_call() -> None:
    """A subflow made sync while a left-alone caller hands its generator to async code."""
    before = src("""
    class Flow(Workflow):
        def run(self, message: str) -> Iterator[RunResponse]:
            stream = self._run_x_flow(message)
            yield from asyncio.run(self._collect(stream))

        async def _run_x_flow(self, message: str) -> AsyncIterator[RunResponse]:
            yield RunResponse(content=message)

        async def _collect(self, gen) -> List[RunResponse]:
            return [r async for r in gen]
    """)
    after = before.replace("    async def _run_x_flow(self, message: str) -> AsyncIterator[RunResponse]:",
                           "    def _run_x_flow(self, message: str) -> Iterator[RunResponse]:")
    assert "renamed-in-use" in invariants(before, after)
    iterated = before.replace("stream = self._run_x_flow(message)\n        yield from asyncio.run(self._collect(stream))",
                              "yield from self._run_x_flow(message)")
    assert "renamed-in-use" not in invariants(before.replace(
        "stream = self._run_x_flow(message)\n        yield from asyncio.run(self._collect(stream))",
        "yield from asyncio.run(self._collect(self._run_x_flow(message)))"),
        after.replace("stream = self._run_x_flow(message)\n        yield from asyncio.run(self._collect(stream))",
                      "yield from self._run_x_flow(message)")), iterated


TWINNED = """
class Routed(Workflow):
    def _route(self, message: str) -> str:
        return message
{twin}
    def run(self, message: str) -> Iterator[RunResponse]:
        yield RunResponse(content=self._route(message))


class Keyword(Routed):
    _route = staticmethod(str.upper)
"""

TWIN = """
    # agno-migrate: generated from _route(); edit that method, not this one
    async def _aroute(self, message: str) -> str:
        return message
"""


def test_twin_bypassed_by_an_override_by_assignment() -> None:
    before = src(TWINNED.format(twin=""))
    after = src(TWINNED.format(twin=TWIN))
    assert invariants(before, after) == ["twin-bypassed"]
    overridden_too = after + "    _aroute = None\n"
    assert invariants(before, overridden_too) == []


def test_twin_bypassed_by_a_class_decorator() -> None:
    decorated = TWINNED.replace("class Routed(Workflow):", "@audited\nclass Routed(Workflow):")
    before = "from audit import audited\n" + src(decorated.format(twin="").split("\n\nclass Keyword")[0])
    after = "from audit import audited\n" + src(decorated.format(twin=TWIN).split("\n\nclass Keyword")[0])
    assert invariants(before, after) == ["twin-bypassed"]
    harmless = before.replace("@audited", "@dataclass").replace("from audit import audited", "from dataclasses import dataclass")
    harmless_after = after.replace("@audited", "@dataclass").replace("from audit import audited",
                                                                     "from dataclasses import dataclass")
    assert invariants(harmless, harmless_after) == []


BASE_WITH_HELPER = '''\
import asyncio
from typing import AsyncIterator, Iterator, List

from agno.run.response import RunResponse
from agno.workflow import Workflow


class BaseFlow(Workflow):
    def run(self, message: str) -> Iterator[RunResponse]:
        yield from asyncio.run(self._collect_async_responses(self._run_x_flow(message)))

    async def _run_x_flow(self, message: str) -> AsyncIterator[RunResponse]:
        yield RunResponse(content=message)

    async def _collect_async_responses(self, gen: AsyncIterator[RunResponse]) -> List[RunResponse]:
        responses = []
        async for response in gen:
            responses.append(response)
        return responses
'''


@pytest.mark.parametrize("importer", [
    "from .base import *\n\n\ndef names(items: List[str]) -> List[str]:\n    return items\n",
    "from .base import List\n\n\ndef names(items: List[str]) -> List[str]:\n    return items\n",
    "from pkg.base import List\n\n\ndef names(items: List[str]) -> List[str]:\n    return items\n",
])
def test_removed_name_another_file_imports(tmp_path, importer: str) -> None:
    """A name the migration drops (an import no longer used here) that another file of the run
    imports from this one (by name, or through ``import *``): the file is left alone."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text(BASE_WITH_HELPER)
    (package / "flows.py").write_text(importer)
    codes = ["AGM002", "AGM003", "AGM007", "AGM008"]
    results = {r.path: r for r in run([str(package)], codes, write=False)}
    base = results[str(package / "base.py")]
    # flows.py is clean: the run dropped its bytes after the prefilter and read it again for this check
    assert results[str(package / "flows.py")].original is None
    assert not base.changed
    assert any(f.code == VERIFIER_CODE and "removed-export" in f.message and "List" in f.message
               for f in base.findings), [f.message for f in base.findings]
    (package / "flows.py").write_text(importer.replace("List", "Sequence").replace("Sequence[str]", "list"))
    results = {r.path: r for r in run([str(package)], codes, write=False)}
    assert results[str(package / "base.py")].changed


def test_a_staticmethods_first_parameter_is_not_self() -> None:
    """``writer.arun(...)`` in a static method calls the writer's arun, not the class's generated one."""
    before = src("""
    class Flow(Workflow):
        def run(self, message: str) -> Iterator[RunResponse]:
            yield RunResponse(content=message)

        @staticmethod
        async def _draft(writer, message: str) -> str:
            return (await writer.arun(message)).content
    """)
    after = before + textwrap.indent(textwrap.dedent("""
        async def arun(self, message: str) -> AsyncIterator[RunResponse]:
            yield RunResponse(content=message)
    """), "    ")
    assert invariants(before, after) == []


def test_agent_given_an_async_tool_by_another_file(tmp_path) -> None:
    """AGM004 makes ``self.desk.run()`` of an agent whose tools are visibly sync here; another
    file of the run adds an async tool to it (``flow.desk.add_tool(fetch)``): the file is left alone."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "flow.py").write_text(src("""
    from agno.agent import Agent


    def lookup(symbol: str) -> str:
        return symbol


    class Flow(Workflow):
        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            self.desk = Agent(name="desk", tools=[lookup])

        def run(self, message: str) -> Iterator[RunResponse]:
            yield asyncio.run(self.desk.arun(message))
    """))
    setup = ("from .flow import Flow\n\n\nasync def fetch(url: str) -> str:\n    return url\n\n\n"
             "def build() -> Flow:\n    flow = Flow()\n    flow.desk.add_tool(fetch)\n    return flow\n")
    (package / "app.py").write_text(setup)
    results = {r.path: r for r in run([str(package)], ["AGM004"], write=False)}
    flow = results[str(package / "flow.py")]
    assert not flow.changed
    assert any(f.code == VERIFIER_CODE and "agent-tools" in f.message and "app.py" in f.message
               for f in flow.findings), [f.message for f in flow.findings]
    (package / "app.py").write_text(setup.replace("flow.desk.add_tool(fetch)\n", ""))
    results = {r.path: r for r in run([str(package)], ["AGM004"], write=False)}
    assert results[str(package / "flow.py")].changed


HELPER_NEEDS_LOOP = '''
import asyncio


class Flow:
    def _traced(self, text):
        return f"{text} {asyncio.current_task() is not None}"

    async def _run_x_flow(self, text):
        yield self._traced(text)
'''


def test_loop_api_reached_through_an_existing_sync_helper() -> None:
    """A sync twin calling a sync helper that asks for the running task: the helper's own
    call was there before (inside a loop), the new path from sync code is not."""
    twin = HELPER_NEEDS_LOOP + '''
    def _sync_x_flow(self, text):
        yield self._traced(text)
'''
    violations = verify.new_violations(HELPER_NEEDS_LOOP, twin)
    assert [v.invariant for v in violations] == ["loop-api-in-sync"]
    assert "self._traced() -> asyncio.current_task()" in violations[0].message
    assert verify.new_violations(HELPER_NEEDS_LOOP, HELPER_NEEDS_LOOP) == []


LEAVES_A_TASK = '''
import asyncio
from contextvars import ContextVar

tenant: ContextVar[str] = ContextVar("tenant", default="public")


async def login(name):
    tenant.set(name)
    return name


class Flow:
    async def _prefetch(self):
        await asyncio.sleep(0)

    async def _warm_up(self):
        asyncio.ensure_future(self._prefetch())
        return "warm"

    async def _plain(self):
        return "plain"

    def run(self, name):
        yield asyncio.run(self._warm_up())
        yield asyncio.run(login(name))
        yield asyncio.run(self._plain())
'''


@pytest.mark.parametrize("line, callee", [
    ("yield asyncio.run(self._warm_up())", "self._warm_up"),
    ("yield asyncio.run(login(name))", "login"),
])
def test_task_lifetime_moving_a_coroutine_from_its_own_loop_to_an_await(line: str, callee: str) -> None:
    """asyncio.run cancels the tasks a coroutine leaves and keeps its ContextVar settings in a
    copy of the context; awaited in the caller's loop they outlive it / reach the caller."""
    twin = LEAVES_A_TASK + f'''
    async def arun(self, name):
        {line.replace("asyncio.run(", "(await ").replace("))", ")")})
'''
    violations = verify.new_violations(LEAVES_A_TASK, twin)
    assert [(v.invariant, v.key[1]) for v in violations] == [("task-lifetime", callee)], violations
    # A coroutine with neither effect moves freely; so does one that stays in its own loop.
    harmless = LEAVES_A_TASK + '''
    async def arun(self, name):
        yield await self._plain()
        yield await asyncio.to_thread(print)
'''
    assert verify.new_violations(LEAVES_A_TASK, harmless) == []


def test_task_lifetime_moving_an_awaited_coroutine_into_a_loop_of_its_own() -> None:
    """The sync twin of a subflow runs each awaited coroutine in a loop of its own: a task the
    coroutine leaves is cancelled when that loop ends (the subflow's one loop kept it)."""
    before = LEAVES_A_TASK.split("    def run(")[0] + '''
    async def _run_x_flow(self):
        yield await self._warm_up()
'''
    after = before + '''
    def _sync_x_flow(self):
        with _BlockingTaskGroup() as tg:
            task = tg.create_task(self._warm_up())
        yield task.result()
'''
    found = [v.key[1:] for v in verify.new_violations(before, after) if v.invariant == "task-lifetime"]
    assert found == [("self._warm_up", "own-loop")]
