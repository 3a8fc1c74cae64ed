"""Hypothesis strategies for OPEN-WORLD legacy agno 1.x workflows, and their renderer.

A :class:`Spec` describes one case; :func:`write_case` writes it as a case
directory in the format :mod:`tests.open_world.oracle` reads (``workflow.py``,
``tools.py``, maybe ``base.py``, and ``harness.py`` with ``SCENARIOS``,
``make`` and ``EXTRA``).  Unlike ``tests/test_fuzz.py``, the spellings are
drawn from what the rules handle *and* from what they do not handle or what
is a semantic trap; every choice is drawn independently so combinations
appear.  ``docs/open-world-fuzz.md`` lists every spelling.

The workflow ``OpenFlow`` routes a message on its first word (``b0``,
``b1``...; a router agent or the message itself) to one of one to three
*branches*.  A branch is a *bridge* (how sync ``run`` reaches async code) and,
for bridges that go through an async subflow, a subflow *body* and *name*.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from hypothesis import strategies as st

# -- the spec ------------------------------------------------------------------------------

#: Bridges AGM002/AGM004 are meant to handle.
HANDLED_BRIDGES: Tuple[str, ...] = ("two_line", "inline", "for", "agent_route")
#: Bridges the rules do not handle, or semantic traps.
OPEN_BRIDGES: Tuple[str, ...] = (
    "new_loop",  # loop = new_event_loop(); try: loop.run_until_complete(collect(...)) finally: loop.close()
    "get_event_loop",  # set_event_loop(new_event_loop()); get_event_loop().run_until_complete(collect(...))
    "nested_def",  # def drain(): return asyncio.run(collect(...)); yield from drain()
    "comprehension",  # batches = [asyncio.run(collect(sub(p))) for p in parts]
    "loop_items",  # for part in parts: yield from asyncio.run(collect(sub(part)))
    "try_except",  # try: yield from asyncio.run(collect(...)) except ToolError: yield <message>
    "wait_for",  # asyncio.run(asyncio.wait_for(self.agent.arun(m), 10))
    "tool_run",  # asyncio.run(self.tools.tool_i(m)) in sync code
    "thread_pool",  # ThreadPoolExecutor fan-out, futures read while yielding
    "module_agent",  # asyncio.run(self.helper.arun(m)), the agent has a module-level async def tool
)
BRIDGES: Tuple[str, ...] = HANDLED_BRIDGES + OPEN_BRIDGES
#: Bridges that iterate an async subflow (through the collect helper).
SUBFLOW_BRIDGES = frozenset(
    {"two_line", "inline", "for", "new_loop", "get_event_loop", "nested_def", "comprehension", "loop_items", "try_except"}
)
#: Subflow bodies: one awaited tool with its own except; a gather fan-out with its own except;
#: an agent streamed; a first item yielded BEFORE a tool that may raise (no except: a trap).
BODIES: Tuple[str, ...] = ("tool", "gather", "stream", "partial")
#: Subflow names: only ``_run_*_flow`` fits the rules' naming.
SUBFLOW_NAMES: Tuple[str, ...] = ("run_flow", "stream", "report", "suffix")
#: Where and how the collect helper is written.
HELPERS: Tuple[str, ...] = (
    "method",  # async def <name>(self, gen): collected = []; async for ...: append; return collected
    "method_listcomp",  # async def <name>(self, gen): return [r async for r in gen]
    "module",  # module-level async def collect(gen)
    "base_same",  # in class BaseFlow(Workflow) of the same module; OpenFlow(BaseFlow)
    "base_other",  # in class BaseFlow(Workflow) of base.py; from .base import BaseFlow
)
HELPER_NAMES: Tuple[str, ...] = ("_collect_async_responses", "_drain", "_gather_all")


@dataclass(frozen=True)
class Branch:
    bridge: str  # one of BRIDGES
    body: str  # one of BODIES (used when the bridge goes through a subflow)
    name: str  # one of SUBFLOW_NAMES
    item: str  # "event" (RunResponseContentEvent) | "response" (RunResponse)


@dataclass(frozen=True)
class Spec:
    branches: Tuple[Branch, ...]
    shape: str  # "run" (run dispatches) | "arun" (user async arun dispatches; run bridges to self.arun: a trap)
    helper: str  # one of HELPERS
    helper_name: str  # one of HELPER_NAMES (the module-level helper is always "collect")
    asyncio_alias: str  # "asyncio" | "aio"
    run_spelling: str  # "module" (alias.run) | "from" (from asyncio import run) | "from_as" (... as sync_run)
    routing: str  # "keyword" | "agent" (asyncio.run(self.router.arun(m)))
    outside_function: bool  # module-level async def iterating a subflow from outside the class (EXTRA)
    outside_class: bool  # a second class of the module iterating a subflow (EXTRA)
    annotate: str  # "event" | "response" | "none": how subflows/helpers are annotated
    future: bool  # from __future__ import annotations
    comments: bool

    @property
    def classes(self) -> Tuple[str, ...]:
        """Feature labels, for grouping results (docs, reports)."""
        labels = {f"bridge:{b.bridge}" for b in self.uses_bridges()}
        labels |= {f"body:{b.body}" for b in self.subflow_branches()}
        labels |= {f"name:{b.name}" for b in self.subflow_branches()}
        labels |= {f"shape:{self.shape}", f"helper:{self.helper}", f"routing:{self.routing}"}
        if self.outside_function and self.outside_target() is not None:
            labels.add("outside:function")
        if self.outside_class and self.outside_target() is not None:
            labels.add("outside:class")
        return tuple(sorted(labels))

    def uses_bridges(self) -> Tuple[Branch, ...]:
        return () if self.shape == "arun" else self.branches

    def subflow_branches(self) -> Tuple[Branch, ...]:
        if self.shape == "arun":
            return self.branches
        return tuple(b for b in self.branches if b.bridge in SUBFLOW_BRIDGES)

    def outside_target(self) -> Optional[int]:
        """Index of the branch whose subflow outside callers iterate (None: no subflow)."""
        for index, branch in enumerate(self.branches):
            if self.shape == "arun" or branch.bridge in SUBFLOW_BRIDGES:
                return index
        return None


branches = st.builds(
    Branch,
    bridge=st.sampled_from(BRIDGES),
    body=st.sampled_from(BODIES),
    name=st.sampled_from(SUBFLOW_NAMES),
    item=st.sampled_from(["event", "response"]),
)

def _consistent(spec: Spec) -> Spec:
    """In the ``arun`` shape the user's own ``arun`` streams while legacy ``run`` collects, so a
    ``partial`` body would make legacy run and legacy arun disagree on a tool failure (no fault
    of the codemods): such branches get the ``tool`` body instead."""
    if spec.shape != "arun":
        return spec
    return replace(spec, branches=tuple(replace(b, body="tool") if b.body == "partial" else b
                                        for b in spec.branches))


specs = st.builds(
    Spec,
    branches=st.lists(branches, min_size=1, max_size=3).map(tuple),
    shape=st.sampled_from(["run", "run", "run", "arun"]),
    helper=st.sampled_from(HELPERS),
    helper_name=st.sampled_from(HELPER_NAMES),
    asyncio_alias=st.sampled_from(["asyncio", "aio"]),
    run_spelling=st.sampled_from(["module", "from", "from_as"]),
    routing=st.sampled_from(["keyword", "agent"]),
    outside_function=st.booleans(),
    outside_class=st.booleans(),
    annotate=st.sampled_from(["event", "response", "none"]),
    future=st.booleans(),
    comments=st.booleans(),
).map(_consistent)

# -- rendering -----------------------------------------------------------------------------


class _Writer:
    def __init__(self, comments: bool) -> None:
        self.lines: List[str] = []
        self.comments = comments
        self.slot = itertools.count()

    def line(self, indent: int, text: str = "") -> None:
        self.lines.append("    " * indent + text if text else "")

    def comment(self, indent: int) -> None:
        if self.comments:
            self.line(indent, f"# note {next(self.slot)}: keep this comment")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def subflow_name(branch: Branch, index: int) -> str:
    return {
        "run_flow": f"_run_b{index}_flow",
        "stream": f"_stream_b{index}",
        "report": f"_b{index}_report",
        "suffix": f"b{index}_flow",
    }[branch.name]


def item_class(branch: Branch) -> str:
    return "RunResponseContentEvent" if branch.item == "event" else "RunResponse"


class _Names:
    """How the rendered module spells things, from the spec."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.mod = spec.asyncio_alias
        self.run = {"module": f"{self.mod}.run", "from": "run", "from_as": "sync_run"}[spec.run_spelling]
        self.annotation = {"event": "RunResponseContentEvent", "response": "RunResponse", "none": None}[spec.annotate]

    def collect(self, generator: str) -> str:
        if self.spec.helper == "module":
            return f"collect({generator})"
        return f"self.{self.spec.helper_name}({generator})"

    def bridge(self, generator: str) -> str:
        return f"{self.run}({self.collect(generator)})"


def _render_helper(w: _Writer, names: _Names, indent: int, name: str, method: bool) -> None:
    ann = names.annotation
    params = "self, responses" if method else "responses"
    if ann:
        params += f": AsyncIterator[{ann}]"
        w.line(indent, f"async def {name}({params}) -> List[{ann}]:")
    else:
        w.line(indent, f"async def {name}({params}):")
    w.line(indent + 1, '"""Drain an async generator so that sync code can iterate its items."""')
    if names.spec.helper == "method_listcomp":
        w.line(indent + 1, "return [response async for response in responses]")
        return
    w.line(indent + 1, f"collected: List[{ann}] = []" if ann else "collected = []")
    w.line(indent + 1, "async for response in responses:")
    w.comment(indent + 2)
    w.line(indent + 2, "collected.append(response)")
    w.line(indent + 1, "return collected")


def _render_body(w: _Writer, names: _Names, branch: Branch, index: int) -> None:
    item = item_class(branch)
    tag = f"b{index}"
    if branch.body == "stream":
        w.line(2, f'async for chunk in await self.agent.arun(f"{tag} {{message}}", stream=True):')
        w.line(3, "if chunk.content:")
        w.comment(4)
        w.line(4, f"yield {item}(content=chunk.content)")
    elif branch.body == "partial":
        w.line(2, f'yield {item}(content="{tag}: started")')
        w.comment(2)
        w.line(2, f"value = await self.tools.tool_{index}(message)")
        w.line(2, f'yield {item}(content=f"{tag}: {{value}}")')
    else:
        w.line(2, "try:")
        w.comment(3)
        if branch.body == "tool":
            w.line(3, f"value = await self.tools.tool_{index}(message)")
        else:
            w.line(3, f"first, second = await {names.mod}.gather(")
            w.line(4, f"self.tools.tool_{index}(message),")
            w.line(4, f"self.tools.tool_{index}_b(message),")
            w.line(3, ")")
            w.line(3, 'value = f"{first} | {second}"')
        w.line(2, "except ToolError as exc:")
        w.line(3, f'yield {item}(content=f"{tag} failed: {{exc}}")')
        w.line(3, "return")
        w.line(2, f'yield {item}(content=f"{tag}: {{value}}")')


def _render_bridge(w: _Writer, names: _Names, branch: Branch, index: int, indent: int) -> None:
    """The statements of ``run`` for one branch (sync code)."""
    mod, run = names.mod, names.run
    sub = subflow_name(branch, index)
    gen = f"self.{sub}(message)"
    tag = f"b{index}"
    bridge = branch.bridge
    w.comment(indent)
    if bridge == "two_line":
        w.line(indent, f"responses_{index} = {names.bridge(gen)}")
        w.line(indent, f"yield from responses_{index}")
    elif bridge == "inline":
        w.line(indent, f"yield from {names.bridge(gen)}")
    elif bridge == "for":
        w.line(indent, f"for response in {names.bridge(gen)}:")
        w.line(indent + 1, "yield response")
    elif bridge == "agent_route":
        w.line(indent, f"answer = {run}(self.agent.arun(f\"{tag} {{message}}\"))")
        w.line(indent, "yield RunResponse(content=answer.content)")
    elif bridge == "new_loop":
        w.line(indent, f"loop = {mod}.new_event_loop()")
        w.line(indent, "try:")
        w.line(indent + 1, f"responses_{index} = loop.run_until_complete({names.collect(gen)})")
        w.line(indent, "finally:")
        w.line(indent + 1, "loop.close()")
        w.line(indent, f"yield from responses_{index}")
    elif bridge == "get_event_loop":
        w.line(indent, f"{mod}.set_event_loop({mod}.new_event_loop())")
        w.line(indent, "try:")
        w.line(indent + 1, f"responses_{index} = {mod}.get_event_loop().run_until_complete({names.collect(gen)})")
        w.line(indent, "finally:")
        w.line(indent + 1, f"{mod}.get_event_loop().close()")
        w.line(indent + 1, f"{mod}.set_event_loop(None)")
        w.line(indent, f"yield from responses_{index}")
    elif bridge == "nested_def":
        w.line(indent, "def drain():")
        w.line(indent + 1, f"return {names.bridge(gen)}")
        w.line(indent, "yield from drain()")
    elif bridge == "comprehension":
        w.line(indent, f"batches = [{names.bridge(f'self.{sub}(part)')} for part in (message, message + ' again')]")
        w.line(indent, "for batch in batches:")
        w.line(indent + 1, "yield from batch")
    elif bridge == "loop_items":
        w.line(indent, "for part in (message, message + ' again'):")
        w.line(indent + 1, f"yield from {names.bridge(f'self.{sub}(part)')}")
    elif bridge == "try_except":
        w.line(indent, "try:")
        w.line(indent + 1, f"yield from {names.bridge(gen)}")
        w.line(indent, "except ToolError as exc:")
        w.line(indent + 1, f'yield RunResponse(content=f"{tag} gave up: {{exc}}")')
    elif bridge == "wait_for":
        w.line(indent, f"answer = {run}({mod}.wait_for(self.agent.arun(f\"{tag} {{message}}\"), 10))")
        w.line(indent, "yield RunResponse(content=answer.content)")
    elif bridge == "tool_run":
        w.line(indent, f"value = {run}(self.tools.tool_{index}(message))")
        w.line(indent, f'yield RunResponse(content=f"{tag}: {{value}}")')
    elif bridge == "thread_pool":
        w.line(indent, "with ThreadPoolExecutor(max_workers=2) as pool:")
        w.line(indent + 1, "futures = [")
        w.line(indent + 2, f"pool.submit({mod}.run, self.tools.tool_{index}(message)),")
        w.line(indent + 2, f"pool.submit({mod}.run, self.tools.tool_{index}_b(message)),")
        w.line(indent + 1, "]")
        w.line(indent + 1, "for future in futures:")
        w.line(indent + 2, f'yield RunResponse(content=f"{tag}: {{future.result()}}")')
    elif bridge == "module_agent":
        w.line(indent, f"answer = {run}(self.helper.arun(f\"{tag} {{message}}\"))")
        w.line(indent, "yield RunResponse(content=answer.content)")
    else:  # pragma: no cover - the strategy only draws BRIDGES
        raise ValueError(bridge)


def _dispatch(w: _Writer, spec: Spec, render_branch) -> None:
    several = len(spec.branches) > 1
    for index, branch in enumerate(spec.branches):
        indent = 3 if several else 2
        if several:
            if index == 0:
                w.line(2, f'if category == "b{index}":')
            elif index < len(spec.branches) - 1:
                w.line(2, f'elif category == "b{index}":')
            else:
                w.line(2, "else:")
        render_branch(branch, index, indent)


def render_workflow(spec: Spec) -> str:
    """The legacy ``workflow.py`` of ``spec``."""
    w = _Writer(spec.comments)
    names = _Names(spec)
    mod = spec.asyncio_alias
    uses = {b.bridge for b in spec.uses_bridges()}
    w.line(0, '"""A generated open-world legacy workflow."""')
    w.line(0)
    if spec.future:
        w.line(0, "from __future__ import annotations")
        w.line(0)
    w.line(0, "import asyncio" if mod == "asyncio" else f"import asyncio as {mod}")
    if spec.run_spelling == "from":
        w.line(0, "from asyncio import run")
    elif spec.run_spelling == "from_as":
        w.line(0, "from asyncio import run as sync_run")
    if "thread_pool" in uses:
        w.line(0, "from concurrent.futures import ThreadPoolExecutor")
    w.line(0, "from typing import AsyncIterator, Iterator, List")
    w.line(0)
    w.line(0, "from agno.agent import Agent")
    w.line(0, "from agno.models.base import Model")
    w.line(0, "from agno.run.response import RunResponse, RunResponseContentEvent")
    w.line(0, "from agno.workflow import Workflow")
    w.line(0)
    if spec.helper == "base_other":
        w.line(0, "from .base import BaseFlow")
    w.line(0, "from .tools import ToolError, Tools")
    w.line(0)

    if "module_agent" in uses:
        w.line(0)
        w.line(0, "async def lookup_quote(symbol: str) -> str:")
        w.line(1, '"""An async tool of the helper agent."""')
        w.line(1, "await asyncio.sleep(0)" if mod == "asyncio" else f"await {mod}.sleep(0)")
        w.line(1, 'return f"quote for {symbol}"')
        w.line(0)

    if spec.helper == "module":
        w.line(0)
        _render_helper(w, names, 0, "collect", method=False)
        w.line(0)
    if spec.helper == "base_same":
        w.line(0)
        w.line(0, "class BaseFlow(Workflow):")
        w.line(1, '"""Shared plumbing of the flows."""')
        w.line(0)
        _render_helper(w, names, 1, spec.helper_name, method=True)
        w.line(0)

    base = "BaseFlow" if spec.helper in ("base_same", "base_other") else "Workflow"
    w.line(0)
    w.line(0, f"class OpenFlow({base}):")
    w.line(1, '"""Routes a message to one of its branches."""')
    w.line(0)
    w.line(1, "def __init__(self, model: Model, tools: Tools, **kwargs) -> None:")
    w.line(2, 'kwargs.setdefault("telemetry", False)')
    w.line(2, "super().__init__(**kwargs)")
    w.line(2, "self.tools = tools")
    w.line(2, 'self.router = Agent(name="router", model=model, telemetry=False, instructions=["Route the request."])')
    w.line(2, 'self.agent = Agent(name="writer", model=model, telemetry=False, instructions=["Write an answer."])')
    if "module_agent" in uses:
        w.line(2, 'self.helper = Agent(name="helper", model=model, telemetry=False, tools=[lookup_quote], '
                  'instructions=["Help with quotes."])')

    ret = "Iterator[RunResponse]"
    w.line(0)
    if spec.shape == "arun":
        w.line(1, f"def run(self, message: str) -> {ret}:")
        w.line(2, '"""Answer ``message`` by draining the async twin."""')
        w.comment(2)
        w.line(2, f"yield from {names.bridge('self.arun(message=message)')}")
        w.line(0)
        w.line(1, "async def arun(self, message: str) -> AsyncIterator[RunResponse]:")
        w.line(2, '"""Answer ``message`` with the branch it is routed to."""')
        if spec.routing == "agent":
            w.line(2, "category = str((await self.router.arun(message)).content).strip()")
        else:
            w.line(2, 'category = message.split()[0] if message.split() else ""')

        def arun_branch(branch: Branch, index: int, indent: int) -> None:
            w.comment(indent)
            w.line(indent, f"async for item in self.{subflow_name(branch, index)}(message):")
            w.line(indent + 1, "yield item")

        _dispatch(w, spec, arun_branch)
    else:
        w.line(1, f"def run(self, message: str) -> {ret}:")
        w.line(2, '"""Answer ``message`` with the branch it is routed to."""')
        w.comment(2)
        if spec.routing == "agent":
            w.line(2, f"category = str({names.run}(self.router.arun(message)).content).strip()")
        else:
            w.line(2, 'category = message.split()[0] if message.split() else ""')
        _dispatch(w, spec, lambda branch, index, indent: _render_bridge(w, names, branch, index, indent))

    if spec.helper in ("method", "method_listcomp"):
        w.line(0)
        _render_helper(w, names, 1, spec.helper_name, method=True)

    for index, branch in enumerate(spec.branches):
        if branch not in spec.subflow_branches():
            continue
        item = item_class(branch)
        w.line(0)
        w.comment(1)
        annotation = f" -> AsyncIterator[{item}]" if spec.annotate != "none" else ""
        w.line(1, f"async def {subflow_name(branch, index)}(self, message: str){annotation}:")
        w.line(2, f'"""The {branch.body} subflow of branch b{index}."""')
        _render_body(w, names, branch, index)

    target = spec.outside_target()
    if target is not None and spec.outside_function:
        sub = subflow_name(spec.branches[target], target)
        w.line(0)
        w.line(0)
        w.line(0, "async def collect_outside(workflow: OpenFlow, message: str) -> List[str]:")
        w.line(1, '"""Iterate a subflow from outside the class."""')
        w.line(1, f"return [str(item.content) async for item in workflow.{sub}(message)]")
    if target is not None and spec.outside_class:
        sub = subflow_name(spec.branches[target], target)
        w.line(0)
        w.line(0)
        w.line(0, "class Reporter:")
        w.line(1, '"""A second class that drives a subflow of the workflow."""')
        w.line(0)
        w.line(1, "def __init__(self, workflow: OpenFlow) -> None:")
        w.line(2, "self.workflow = workflow")
        w.line(0)
        w.line(1, "async def report(self, message: str) -> List[str]:")
        w.line(2, "lines: List[str] = []")
        w.line(2, f"async for item in self.workflow.{sub}(message):")
        w.line(3, "lines.append(str(item.content))")
        w.line(2, "return lines")
    return w.text()


def render_base(spec: Spec) -> str:
    """``base.py``: the base workflow holding the collect helper (``helper == "base_other"``)."""
    w = _Writer(spec.comments)
    names = _Names(spec)
    w.line(0, '"""The base workflow of the generated flows."""')
    w.line(0)
    if spec.future:
        w.line(0, "from __future__ import annotations")
        w.line(0)
    w.line(0, "from typing import AsyncIterator, List")
    w.line(0)
    w.line(0, "from agno.run.response import RunResponse, RunResponseContentEvent")
    w.line(0, "from agno.workflow import Workflow")
    w.line(0)
    w.line(0)
    w.line(0, "class BaseFlow(Workflow):")
    w.line(1, '"""Shared plumbing of the flows."""')
    w.line(0)
    _render_helper(w, names, 1, spec.helper_name, method=True)
    return w.text()


def render_tools(spec: Spec) -> str:
    out = [
        '"""Async tool stubs of a generated workflow."""',
        "",
        "import asyncio",
        "from typing import Iterable, Optional, Set",
        "",
        "",
        "class ToolError(Exception):",
        "    pass",
        "",
        "",
        "class Tools:",
        "    def __init__(self, failures: Optional[Iterable[str]] = None) -> None:",
        "        self.failures: Set[str] = set(failures or ())",
        "",
        "    async def _call(self, name: str, message: str) -> str:",
        "        await asyncio.sleep(0)",
        "        if name in self.failures:",
        '            raise ToolError(f"{name} is down")',
        '        return f"{name}({message})"',
    ]
    for index in range(len(spec.branches)):
        for suffix in ("", "_b"):
            name = f"tool_{index}{suffix}"
            out += ["", f"    async def {name}(self, message: str) -> str:",
                    f"        return await self._call({name!r}, message)"]
    return "\n".join(out) + "\n"


def scenario_table(spec: Spec) -> List[Tuple[str, Dict[str, str], Dict[str, object]]]:
    """``(name, kwargs, setup)`` of every scenario: success and failure paths of every branch."""
    found: List[Tuple[str, Dict[str, str], Dict[str, object]]] = []
    subflows = spec.subflow_branches()
    for index, branch in enumerate(spec.branches):
        tag = f"b{index}"
        body = branch.body if branch in subflows else None
        bridge = None if spec.shape == "arun" else branch.bridge
        first_tool = body in ("tool", "gather", "partial") or bridge in ("tool_run", "thread_pool")
        second_tool = body == "gather" or bridge == "thread_pool"
        found.append((f"{tag} ok", {"message": f"{tag} please"}, {}))
        if first_tool:
            found.append((f"{tag} tool fails", {"message": f"{tag} please"}, {"failures": [f"tool_{index}"]}))
        if second_tool:
            found.append((f"{tag} second tool fails", {"message": f"{tag} please"}, {"failures": [f"tool_{index}_b"]}))
        found.append((f"{tag} model fails", {"message": f"{tag} boom"}, {"model_fails": True}))
    if len(spec.branches) > 1:
        found.append(("unrouted", {"message": "nothing matches"}, {}))
    return found


def render_harness(spec: Spec) -> str:
    target = spec.outside_target()
    imports = ["OpenFlow"]
    extra: List[Tuple[str, str]] = []
    if target is not None and spec.outside_function:
        imports.append("collect_outside")
        extra.append(("outside_function", "collect_outside(make(scenario), scenario.kwargs['message'])"))
    if target is not None and spec.outside_class:
        imports.append("Reporter")
        extra.append(("outside_class", "Reporter(make(scenario)).report(scenario.kwargs['message'])"))
    out = [
        '"""Harness of a generated case (never migrated)."""',
        "",
        "import asyncio",
        "from typing import Any, Callable, Dict",
        "",
        "from codemods.parity.fake_model import ScriptedModel",
        "from codemods.parity.harness import Scenario",
        "",
        "from .tools import Tools",
        f"from .workflow import {', '.join(imports)}",
        "",
        "",
        "def responder(user: str, system: str) -> str:",
        '    if "Route the request" in system:',
        "        words = user.split()",
        '        return words[0] if words else ""',
        "    return f\"{system.split('.')[0]} heard: {user}\"",
        "",
        "",
        "SCENARIOS = [",
    ]
    for name, kwargs, setup in scenario_table(spec):
        out.append(f"    Scenario({name!r}, {kwargs!r}, {setup!r}),")
    out += [
        "]",
        "",
        "",
        "def make(scenario: Scenario) -> OpenFlow:",
        '    fails = scenario.setup.get("model_fails", False)',
        '    model = ScriptedModel(responder=responder, fail_on=(lambda prompt: "boom" in prompt) if fails else None)',
        '    return OpenFlow(model=model, tools=Tools(failures=scenario.setup.get("failures", ())), telemetry=False)',
        "",
        "",
        "def _plain(call: Callable[[], Any]) -> Any:",
        "    try:",
        "        return asyncio.run(call())",
        "    except Exception as exc:  # noqa: BLE001 - the error is the result",
        '        return f"Error: {type(exc).__name__}: {exc}"',
        "",
        "",
        "EXTRA: Dict[str, Callable[[Scenario], object]] = {",
    ]
    for name, call in extra:
        out.append(f"    {name!r}: lambda scenario: _plain(lambda: {call}),")
    out.append("}")
    return "\n".join(out) + "\n"


_COUNTER = itertools.count()


def write_case(spec: Spec, base: Path, name: Optional[str] = None) -> Path:
    """Write ``spec`` as a case directory under ``base``; returns the directory."""
    directory = base / (name or f"case_{os.getpid()}_{next(_COUNTER):05d}")
    directory.mkdir(parents=True)
    (directory / "__init__.py").write_text("")
    (directory / "tools.py").write_text(render_tools(spec))
    (directory / "workflow.py").write_text(render_workflow(spec))
    if spec.helper == "base_other":
        (directory / "base.py").write_text(render_base(spec))
    (directory / "harness.py").write_text(render_harness(spec))
    return directory


def case_source(directory: Path) -> str:
    """Every legacy module of a case, for a failure report."""
    parts = []
    for path in sorted(directory.glob("*.py")):
        if path.name in ("harness.py", "__init__.py", "tools.py"):
            continue
        parts.append(f"# ---- {path.name}\n{path.read_text()}")
    return "\n".join(parts)


# -- the generator's own check: every case runs as LEGACY code ----------------------------------

#: Errors a legacy run may end with on a failure path (a tool or the model raising).
EXPECTED_ERRORS = ("ToolError", "ScriptedModelError")


def legacy_problems(case_dir: Path) -> List[str]:
    """Why the legacy case in ``case_dir`` (a package importable from its parent) does not run.

    Every success scenario must yield at least one response and raise
    nothing; a failure scenario may only end with the tool's or the model's
    own error; every EXTRA entry must give a non-error result on success
    scenarios.  Each scenario is run twice in a row (loop state leaks between
    runs in some bridges).
    """
    import importlib
    import sys

    from codemods.parity.harness import collect_run

    parent = str(case_dir.parent)
    if parent not in sys.path:
        sys.path.insert(0, parent)
    harness = importlib.import_module(f"{case_dir.name}.harness")
    problems: List[str] = []
    for scenario in harness.SCENARIOS:
        failing = bool(scenario.setup)
        for attempt in range(2):
            observation = collect_run(harness.make(scenario), **scenario.kwargs)
            if observation.error is not None:
                if not failing or not observation.error.startswith(EXPECTED_ERRORS):
                    problems.append(f"{scenario.name} (run {attempt}): {observation.error}")
            elif not observation.responses:
                problems.append(f"{scenario.name} (run {attempt}): no responses")
        for name, call in getattr(harness, "EXTRA", {}).items():
            value = call(scenario)
            if not failing and (isinstance(value, str) and value.startswith("Error") or not value):
                problems.append(f"EXTRA {name} / {scenario.name}: {value!r}")
    return problems
