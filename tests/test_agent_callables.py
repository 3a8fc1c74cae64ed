"""codemods.agent_callables: which callables an agent may run, and the verifier and AGM004 agreeing on it.

agno 1.8.4's sync ``run()`` rejects async tools, skips async tool hooks and
never awaits an async retriever, pre/post hook or context function: a sync
run is only safe when every callable the agent may run is visibly sync, in
its construction (wherever the module builds it) and in every change the
module makes to it afterwards.
"""

from __future__ import annotations

import ast
import functools
import re
import textwrap
from pathlib import Path
from typing import List, Tuple

import pytest

from codemods import agent_callables, verify
from codemods.engine import migrate_source
from codemods.rules import select_rules

FIXTURES = Path(__file__).parent / "fixtures" / "AGM004"

HEAD = """\
import asyncio
import functools
from typing import Any, AsyncIterator, Callable, Dict, Iterator

from agno.agent import Agent
from agno.run.response import RunResponse
from agno.workflow import Workflow


async def lookup_gate(flight: str) -> str:
    return flight


def lookup_terminal(flight: str) -> str:
    return flight


async def audit(function_name: str, function_call: Callable, arguments: Dict[str, Any]) -> Any:
    return function_call(**arguments)

"""


def _workflow(init: str, extra: str = "") -> Tuple[str, str]:
    """A workflow whose async subflow awaits ``self.desk.arun``, and the same with the sync twin AGM007 makes."""
    body = textwrap.indent(textwrap.dedent(init), " " * 8)
    before = HEAD + textwrap.dedent("""
    class Flow(Workflow):
        def __init__(self, model, desk=None) -> None:
            super().__init__()
    """) + body + textwrap.indent(textwrap.dedent(extra), "    ") + textwrap.indent(textwrap.dedent("""
        async def _arun_flow(self, flight: str) -> AsyncIterator[RunResponse]:
            yield await self.desk.arun(flight)
    """), "    ")
    after = before + textwrap.indent(textwrap.dedent("""
        def _run_flow(self, flight: str) -> Iterator[RunResponse]:
            yield self.desk.run(flight, stream=False)
    """), "    ")
    return before, after


def _agent_tools(before: str, after: str) -> List[str]:
    return [v.message for v in verify.new_violations(before, after) if v.invariant == "agent-tools"]


@pytest.mark.parametrize("init, extra", [
    # (b) tools added after construction
    ("self.desk = Agent(model=model)\nself.desk.tools = [lookup_terminal]\nself.desk.tools.append(lookup_gate)\n", ""),
    ("self.desk = Agent(model=model)\nself.desk.add_tool(lookup_gate)\n", ""),
    ("self.desk = Agent(model=model)\nself.desk.set_tools([lookup_terminal, lookup_gate])\n", ""),
    ("self.desk = Agent(model=model)\nsetattr(self.desk, 'tools', [lookup_gate])\n", ""),
    ("self.desk = Agent(model=model)\nself.desk.tools += [lookup_gate]\n", ""),
    # ... through another name for the agent's list
    ("self.desk = Agent(model=model)\ntools = self.desk.tools = []\ntools.append(lookup_gate)\n", ""),
    ("self.desk = Agent(model=model, tools=[])\nextra = self.desk.tools\nextra.insert(0, lookup_gate)\n", ""),
    ("self.desk = Agent(model=model, tool_hooks=[])\nhooks = getattr(self.desk, 'tool_hooks')\nhooks += [audit]\n", ""),
    ("desk = Agent(model=model)\nself.desk = desk\ndesk.add_tool(lookup_gate)\n", ""),
    ("self.desk = Agent(model=model)\n", "def equip(self) -> None:\n    self.desk.tool_hooks = [audit]\n"),
    # a subflow setting the tools right before it runs the agent (the cookbook's HackerNews reporter)
    ("self.desk = Agent(model=model)\n",
     "async def stories(self) -> str:\n    return ''\n\n"
     "async def _arun_setup(self) -> None:\n    self.desk.tools = [self.stories]\n"),
    # (a) callable-taking keywords other than tools=
    ("self.desk = Agent(model=model, tools=[lookup_terminal], tool_hooks=[audit])\n", ""),
    ("self.desk = Agent(model=model, retriever=lookup_gate, search_knowledge=True)\n", ""),
    ("self.desk = Agent(model=model, context={'gate': lookup_gate}, add_context=True)\n", ""),
    # built by the class itself
    ("self.desk = self._build(model)\n",
     "def _build(self, model) -> Agent:\n    return Agent(model=model, tools=[lookup_gate])\n"),
    ("self.template = Agent(model=model)\nself.desk = self.template.deep_copy(update={'tools': [lookup_gate]})\n", ""),
    ("self.model_ = model\n",
     "@functools.cached_property\ndef desk(self) -> Agent:\n    return Agent(model=self.model_, tools=[lookup_gate])\n"),
    # a passed-in agent given an async tool by the module
    ("self.desk = desk\nself.desk.add_tool(lookup_gate)\n", ""),
])
def test_a_sync_run_of_an_agent_that_may_run_an_async_callable_is_a_violation(init: str, extra: str) -> None:
    before, after = _workflow(init, extra)
    messages = _agent_tools(before, after)
    assert len(messages) == 1, (messages, after)
    assert "self.desk.run()" in messages[0] and " is async" in messages[0]


@pytest.mark.parametrize("init, extra", [
    ("self.desk = Agent(model=model, tools=[lookup_terminal])\n", ""),
    ("self.desk = Agent(model=model)\nself.desk.tools = [lookup_terminal]\nself.desk.add_tool(lookup_terminal)\n", ""),
    ("self.desk = Agent(model=model, tool_hooks=[lambda **kw: kw['function_call'](**kw['arguments'])])\n", ""),
    ("self.desk = Agent(model=model, context={'city': 'Oslo'}, add_context=True)\n", ""),
    # another agent of the class gets the async tool: not this one
    ("self.desk = Agent(model=model)\nself.other = Agent(model=model)\nself.other.add_tool(lookup_gate)\n", ""),
    # passed in, nothing added: AGM004 calls that an unsafe fix, the verifier lets it through
    ("self.desk = desk\n", ""),
])
def test_a_sync_run_of_an_agent_whose_callables_are_visibly_sync_is_not(init: str, extra: str) -> None:
    before, after = _workflow(init, extra)
    assert _agent_tools(before, after) == []


def test_tools_the_module_cannot_see_in_a_construction_it_shows_are_a_violation() -> None:
    before, after = _workflow("self.desk = Agent(model=model)\nself.desk.add_tool(desk)\n")
    messages = _agent_tools(before, after)
    assert len(messages) == 1 and "is not visible as a sync function here" in messages[0]


def test_a_helper_that_may_be_given_the_agent_counts() -> None:
    """``def equip(agent): agent.tools.append(lookup_gate)`` may be called with any agent."""
    before, after = _workflow("self.desk = Agent(model=model)\n")
    before += "\n\ndef equip(agent: Agent) -> None:\n    agent.tools.append(lookup_gate)\n"
    after += "\n\ndef equip(agent: Agent) -> None:\n    agent.tools.append(lookup_gate)\n"
    assert len(_agent_tools(before, after)) == 1


def test_verdict_names_where_the_async_callable_came_from() -> None:
    tree = ast.parse(HEAD + textwrap.dedent("""
    desk = Agent()
    desk.tools = [lookup_terminal]
    desk.tools.append(lookup_gate)
    """))
    agents = agent_callables.ModuleAgents(tree)
    verdict = agents.verdict(ast.parse("desk", mode="eval").body, None, None)
    assert [item.text() for item in verdict.asyncs] == [
        f"lookup_gate added to desk.tools at line {HEAD.count(chr(10)) + 4}"]
    assert (verdict.left_alone_reason("desk") or "").startswith("agent desk has async tools (lookup_gate")


# -- the rule and the verifier agree ----------------------------------------------------------------------------

_SPOT = re.compile(r"asyncio\.run\(([\w.]+)\.arun\((\w+)\)\)")


def _spots() -> List[Tuple[str, int]]:
    found = []
    for before in sorted(FIXTURES.glob("*.before.py")):
        for number, line in enumerate(before.read_text().splitlines(), 1):
            if _SPOT.search(line) and "def " not in line:
                found.append((before.name, number))
    return found


@functools.lru_cache(maxsize=None)
def _findings(name: str) -> list:
    text = (FIXTURES / name).read_bytes()
    return migrate_source(text, select_rules(["AGM004"], target="agno1"), name, {"unsafe_fixes": True}).findings


@pytest.mark.parametrize("name, line", _spots())
def test_the_verifier_flags_exactly_the_sync_runs_agm004_leaves_alone_for_their_callables(name: str, line: int) -> None:
    """For every ``asyncio.run(x.arun(m))`` of the AGM004 fixtures: AGM004 leaves it alone for the agent's
    callables exactly when the verifier's agent-tools check would reject ``x.run(m, stream=False)`` there
    (an attribute the rule shows is not an agent at all is the not-an-agent check's, which may be narrower)."""
    text = (FIXTURES / name).read_text()
    finding = next(f for f in _findings(name) if f.line == line and f.code == "AGM004")
    left_for_callables = not finding.fixed and any(
        phrase in finding.message for phrase in (" has async ", " has an async ", "cannot show", "another module",
                                                 "objects with async"))
    lines = text.splitlines()
    lines[line - 1] = _SPOT.sub(r"\1.run(\2, stream=False)", lines[line - 1])
    violations = [v for v in verify.new_violations(text, "\n".join(lines) + "\n")
                  if v.invariant == "agent-tools" and v.key[:1] != ("not-an-agent",)]
    if "not an agno Agent" in finding.message:
        return
    assert bool(violations) == left_for_callables, (finding.message, [v.message for v in violations])


def test_an_object_of_a_class_defined_here_is_the_users_code_even_inside_an_agno_object() -> None:
    """``knowledge=AgentKnowledge(vector_db=MyDb())``: the sync run calls MyDb's sync search, arun() its async one."""
    tree = ast.parse(HEAD + textwrap.dedent("""
    from agno.knowledge.agent import AgentKnowledge
    from agno.vectordb.base import VectorDb


    class MyDb(VectorDb):
        async def async_search(self, query, limit=5, filters=None):
            return []


    desk = Agent(knowledge=AgentKnowledge(vector_db=MyDb()), search_knowledge=True)
    plain = Agent(knowledge=AgentKnowledge(num_documents=3), search_knowledge=True)
    """))
    agents = agent_callables.ModuleAgents(tree)
    desk = agents.verdict(ast.parse("desk", mode="eval").body, None, None)
    assert [item.kind for item in desk.asyncs] == ["object"] and "MyDb.async_search" in desk.asyncs[0].name
    assert agents.verdict(ast.parse("plain", mode="eval").body, None, None).safe


def test_foreign_changes_lists_what_another_file_adds_to_an_agent() -> None:
    """For an engine running several files: ``flow.desk.add_tool(lookup_gate)`` in another file."""
    text = HEAD + textwrap.dedent("""
    from .workflow import Flow


    def configure(flow: Flow, tool) -> None:
        flow.desk.add_tool(lookup_gate)
        flow.writer.tools.append(lookup_terminal)
        flow.router.tool_hooks = [tool]
    """)
    changes = agent_callables.foreign_changes(text)
    assert [(change.name, "(async)" in change.message) for change in changes] == [("desk", True), ("router", False)]
