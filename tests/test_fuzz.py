"""Differential fuzzing: generated legacy workflows vs what the codemods make of them.

Hypothesis draws a :class:`Spec` of a legacy agno 1.x workflow: one to four
subflows of three kinds (report-like: ``asyncio.gather`` of 2-3 tool calls,
optionally followed by a streamed agent answer; alone-like: one awaited tool
call; chat-like: an agent streamed with ``async for``), bridged from ``run``
in one of the three forms AGM002 handles (two-line ``responses = ...`` /
``yield from responses``, inline ``yield from``, ``for`` loop), with
``import asyncio as <alias>`` / ``from asyncio import run [as ...]`` /
``from asyncio import gather`` spellings, routing through
``asyncio.run(self.router.arun(...))`` (in a helper or inline) or by keyword,
subflows yielding ``RunResponseContentEvent`` or ``RunResponse``, and
comments in random places.  :func:`render` turns it into source text, with
its async tool stubs in a ``tools.py`` next to it, in a fresh package.

For every example the legacy module is copied and migrated with the engine's
apply path (:func:`codemods.engine.process_file`), and

* the output compiles, no rule fails and none leaves a spot alone;
* applying again changes nothing (idempotency);
* :func:`codemods.parity.harness.check_parity` holds between the legacy class
  (reference ``run``) and the migrated one (``run`` and ``arun``) on every
  flow, the unrouted fall-through, tool failures and a model failure, all on
  the offline :class:`~codemods.parity.fake_model.ScriptedModel`;

and once per test, pyright (one batched run over every migrated module of the
test) reports no error.

``test_fuzz`` runs 10 derandomized examples in-process; ``test_fuzz_many``
(slow) runs 200 in two processes (the codemods take about a second per
generated workflow) from the fixed seeds 0 and 1.  Either way CI sees the
same examples every time, and a failure is shrunk by Hypothesis and printed
as a ``Spec(...)``: pass it to :func:`render` to see the legacy source.
"""

from __future__ import annotations

import ast
import importlib
import itertools
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, List, Set, Tuple

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from codemods.engine import migrate_source, process_file
from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario, check_parity
from codemods.rules import select_rules

#: The closed-world fuzz checks the complete migration, unsafe fixes included
#: (the open-world fuzz checks plain apply as well).
FULL = {"unsafe_fixes": True}

ROOT = Path(__file__).resolve().parent.parent
PYRIGHT = Path(sys.executable).with_name("pyright")
RULES = select_rules()
_COUNTER = itertools.count()

# -- the spec ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    kind: str  # "report" | "alone" | "chat"
    tools: int  # tool calls gathered (report: 2-3), 1 (alone), 0 (chat)
    bridge: str  # "two_line" | "inline" | "for"
    item: str  # "event" (RunResponseContentEvent) | "response" (RunResponse)
    gather: str  # report: "unpack" (a, b = await gather(...)) | "list" (results = await gather(...))
    multiline: bool  # report: one gather argument per line
    stream_after: bool  # report: stream a writer agent after the fan-out


@dataclass(frozen=True)
class Spec:
    flows: Tuple[Flow, ...]
    asyncio_alias: str  # how `import asyncio` binds: "asyncio" | "aio" | "x"
    run_spelling: str  # "module" (alias.run) | "from" (from asyncio import run) | "from_as" (... as sync_run)
    gather_spelling: str  # "module" | "from"
    routing: str  # "helper" (_route with asyncio.run(router.arun)) | "inline" | "keyword"
    helper: str  # the collect helper's name
    future: bool  # from __future__ import annotations
    comments: int  # bit mask: which comment slots get a comment
    shared_variable: bool  # two-line bridges all use `responses` (else responses_<i>)


@st.composite
def flows(draw: Callable) -> Flow:
    kind = draw(st.sampled_from(["report", "alone", "chat"]))
    return Flow(
        kind=kind,
        tools={"report": draw(st.integers(2, 3)), "alone": 1, "chat": 0}[kind],
        bridge=draw(st.sampled_from(["two_line", "inline", "for"])),
        item=draw(st.sampled_from(["event", "response"])),
        gather=draw(st.sampled_from(["unpack", "list"])),
        multiline=draw(st.booleans()),
        stream_after=kind == "report" and draw(st.booleans()),
    )


specs = st.builds(
    Spec,
    flows=st.lists(flows(), min_size=1, max_size=4).map(tuple),
    asyncio_alias=st.sampled_from(["asyncio", "aio", "x"]),
    run_spelling=st.sampled_from(["module", "from", "from_as"]),
    gather_spelling=st.sampled_from(["module", "from"]),
    routing=st.sampled_from(["helper", "inline", "keyword"]),
    helper=st.sampled_from(["_collect_async_responses", "_drain"]),
    future=st.booleans(),
    comments=st.integers(0, 2**40 - 1),
    shared_variable=st.booleans(),
)

# -- rendering -----------------------------------------------------------------------------


class _Writer:
    """Lines of source, with numbered comment slots switched on by ``Spec.comments``."""

    def __init__(self, mask: int) -> None:
        self.lines: List[str] = []
        self.mask = mask
        self.slots = itertools.count()

    def line(self, indent: int, text: str = "") -> None:
        self.lines.append("    " * indent + text if text else "")

    def comment(self, indent: int) -> None:
        """A comment line, if this slot is on."""
        slot = next(self.slots)
        if self.mask >> slot & 1:
            self.line(indent, f"# note {slot}: keep this comment")

    def trailing(self, text: str) -> str:
        """``text`` with a trailing comment, if this slot is on."""
        slot = next(self.slots)
        return f"{text}  # trailing {slot}" if self.mask >> slot & 1 else text

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def category(index: int) -> str:
    return f"flow{index}"


def tool_name(index: int, number: int) -> str:
    return f"flow{index}_tool{number}"


def render_tools(spec: Spec) -> str:
    """The async tool stubs the workflow calls (``failures`` names tools that raise)."""
    out = [
        '"""Async tool stubs for a generated workflow."""',
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
        '        return f"{name}({len(message)})"',
    ]
    for index, flow in enumerate(spec.flows):
        for number in range(flow.tools):
            name = tool_name(index, number)
            out += ["", f"    async def {name}(self, message: str) -> str:", f"        return await self._call({name!r}, message)"]
    return "\n".join(out) + "\n"


def render(spec: Spec) -> str:
    """The legacy workflow module of ``spec``."""
    w = _Writer(spec.comments)
    mod = spec.asyncio_alias
    run = {"module": f"{mod}.run", "from": "run", "from_as": "sync_run"}[spec.run_spelling]
    gather = f"{mod}.gather" if spec.gather_spelling == "module" else "gather"
    uses_gather = any(flow.kind == "report" for flow in spec.flows)

    w.line(0, '"""A generated legacy workflow."""')
    w.line(0)
    if spec.future:
        w.line(0, "from __future__ import annotations")
        w.line(0)
    w.line(0, "import asyncio" if mod == "asyncio" else f"import asyncio as {mod}")
    if spec.run_spelling == "from":
        w.line(0, "from asyncio import run")
    elif spec.run_spelling == "from_as":
        w.line(0, "from asyncio import run as sync_run")
    if uses_gather and spec.gather_spelling == "from":
        w.line(0, "from asyncio import gather")
    w.line(0, "from typing import AsyncIterator, Iterator, List")
    w.line(0)
    w.line(0, "from agno.agent import Agent")
    w.line(0, "from agno.models.base import Model")
    w.line(0, "from agno.run.response import RunResponse, RunResponseContentEvent")
    w.line(0, "from agno.workflow import Workflow")
    w.line(0)
    w.line(0, "from .tools import ToolError, Tools")
    w.line(0)
    w.line(0)
    w.line(0, "class FuzzFlow(Workflow):")
    w.line(1, '"""Routes a message to one of its subflows."""')
    w.line(0)
    w.line(1, "def __init__(self, model: Model, tools: Tools, **kwargs) -> None:")
    w.line(2, 'kwargs.setdefault("telemetry", False)')
    w.line(2, "super().__init__(**kwargs)")
    w.line(2, "self.tools = tools")
    w.line(2, 'self.router = Agent(name="router", model=model, telemetry=False, instructions=["Route the request."])')
    for index, flow in enumerate(spec.flows):
        if flow.kind == "chat" or flow.stream_after:
            w.line(2, f'self.agent_{index} = Agent(name="agent_{index}", model=model, telemetry=False, '
                      f'instructions=["Answer as agent {index}."])')

    # run(): route, then bridge to the chosen subflow
    w.line(0)
    w.line(1, "def run(self, message: str) -> Iterator[RunResponse]:")
    w.line(2, '"""Answer ``message`` with the subflow it is routed to."""')
    w.comment(2)
    if spec.routing == "helper":
        w.line(2, w.trailing("category = self._route(message)"))
    elif spec.routing == "inline":
        w.line(2, w.trailing(f"category = str({run}(self.router.arun(message)).content).strip()"))
    else:
        w.line(2, w.trailing('category = message.split()[0] if message.split() else ""'))
    several = len(spec.flows) > 1
    for index, flow in enumerate(spec.flows):
        indent = 3 if several else 2
        if several:
            if index == 0:
                w.line(2, f"if category == {category(index)!r}:")
            elif index < len(spec.flows) - 1:
                w.line(2, f"elif category == {category(index)!r}:")
            else:
                w.line(2, "else:")
        w.comment(indent)
        bridge = f"{run}(self.{spec.helper}(self._run_{category(index)}_flow(message)))"
        if flow.bridge == "two_line":
            variable = "responses" if spec.shared_variable else f"responses_{index}"
            w.line(indent, w.trailing(f"{variable} = {bridge}"))
            w.comment(indent)
            w.line(indent, w.trailing(f"yield from {variable}"))
        elif flow.bridge == "inline":
            w.line(indent, w.trailing(f"yield from {bridge}"))
        else:
            w.line(indent, w.trailing(f"for response in {bridge}:"))
            w.comment(indent + 1)
            w.line(indent + 1, w.trailing("yield response"))

    if spec.routing == "helper":
        w.line(0)
        w.line(1, "def _route(self, message: str) -> str:")
        w.comment(2)
        w.line(2, w.trailing(f"response = {run}(self.router.arun(message))"))
        w.line(2, "return str(response.content).strip()")

    # the collect helper
    w.line(0)
    w.line(1, f"async def {spec.helper}(")
    w.line(2, "self, responses: AsyncIterator[RunResponseContentEvent]")
    w.line(1, ") -> List[RunResponseContentEvent]:")
    w.line(2, "collected: List[RunResponseContentEvent] = []")
    w.line(2, "async for response in responses:")
    w.line(3, "collected.append(response)")
    w.line(2, "return collected")

    for index, flow in enumerate(spec.flows):
        item = "RunResponseContentEvent" if flow.item == "event" else "RunResponse"
        name = category(index)
        w.line(0)
        w.comment(1)
        w.line(1, f"async def _run_{name}_flow(self, message: str) -> AsyncIterator[{item}]:")
        w.line(2, f'"""The {flow.kind}-like subflow {name}."""')
        if flow.kind == "chat":
            _render_stream(w, index, item, "message")
            continue
        w.comment(2)
        w.line(2, "try:")
        calls = [f"self.tools.{tool_name(index, number)}(message)" for number in range(flow.tools)]
        if flow.kind == "alone":
            w.line(3, w.trailing(f"value = await {calls[0]}"))
            summary = f"{name}: {{value}}"
        else:
            target = ", ".join(f"part_{number}" for number in range(flow.tools)) if flow.gather == "unpack" else "parts"
            if flow.multiline:
                w.line(3, f"{target} = await {gather}(")
                for call in calls:
                    w.comment(4)
                    w.line(4, w.trailing(f"{call},"))
                w.line(3, ")")
            else:
                w.line(3, w.trailing(f"{target} = await {gather}({', '.join(calls)})"))
            if flow.gather == "unpack":
                summary = name + ": " + " | ".join(f"{{part_{number}}}" for number in range(flow.tools))
            else:
                summary = f"{name}: {{' | '.join(parts)}}"
        w.line(2, "except ToolError as exc:")
        w.comment(3)
        w.line(3, w.trailing(f'yield {item}(content=f"{name} failed: {{exc}}")'))
        w.line(3, "return")
        w.comment(2)
        w.line(2, w.trailing(f'yield {item}(content=f"{summary}")'))
        if flow.stream_after:
            _render_stream(w, index, item, f'f"Summarize {summary}"')
    return w.text()


def _render_stream(w: _Writer, index: int, item: str, prompt: str) -> None:
    w.comment(2)
    w.line(2, w.trailing(f"async for chunk in await self.agent_{index}.arun({prompt}, stream=True):"))
    w.line(3, "if chunk.content:")
    w.comment(4)
    w.line(4, w.trailing(f"yield {item}(content=chunk.content)"))


# -- running one example -------------------------------------------------------------------


def responder(user: str, system: str) -> str:
    """The router answers with the request's first word; agents answer in a few words."""
    if "Route the request" in system:
        words = user.split()
        return words[0] if words else ""
    return f"{system.split('.')[0]} heard: {user}"


def scenarios(spec: Spec) -> List[Scenario]:
    found = [Scenario(category(index), {"message": f"{category(index)} please answer"}) for index in range(len(spec.flows))]
    if len(spec.flows) > 1:
        found.append(Scenario("unrouted", {"message": "nothing matches this"}))
    for index, flow in enumerate(spec.flows):
        if flow.tools:
            names = [tool_name(index, number) for number in range(flow.tools)]
            found.append(Scenario(f"{category(index)} first tool fails", {"message": f"{category(index)} now"},
                                  {"failures": names[:1]}))
            if flow.tools > 1:
                found.append(Scenario(f"{category(index)} every tool fails", {"message": f"{category(index)} now"},
                                      {"failures": names}))
    # The model fails for prompts containing "boom": the router (if asked) or the streaming agent.
    found.append(Scenario("model fails", {"message": f"{category(len(spec.flows) - 1)} boom"}, {"model_fails": True}))
    return found


def factory(module: Any) -> Callable[[Scenario], Any]:
    def make(scenario: Scenario) -> Any:
        fails = scenario.setup.get("model_fails", False)
        model = ScriptedModel(responder=responder, fail_on=(lambda prompt: "boom" in prompt) if fails else None)
        tools = module.Tools(failures=scenario.setup.get("failures", ()))
        return module.FuzzFlow(model=model, tools=tools, telemetry=False)

    return make


def write_package(base: Path, spec: Spec) -> Tuple[str, Path, Path]:
    name = f"fuzz_{next(_COUNTER):04d}"
    package = base / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "tools.py").write_text(render_tools(spec))
    legacy = package / "legacy.py"
    legacy.write_text(render(spec))
    migrated = package / "migrated.py"
    shutil.copyfile(legacy, migrated)
    return name, legacy, migrated


def check_example(base: Path, spec: Spec) -> Path:
    """Migrate, compile, re-apply, compare behaviour; returns the migrated module's path."""
    name, legacy_path, migrated_path = write_package(base, spec)
    legacy_source = legacy_path.read_text()
    compile(legacy_source, str(legacy_path), "exec")  # the generator itself is sound

    result = process_file(str(migrated_path), RULES, write=True, options=FULL)
    assert result.error is None, result.error
    assert result.written, "nothing was migrated"
    left = [finding.format() for finding in result.findings if not finding.fixed]
    assert left == [], "\n".join(left) + "\n\n" + legacy_source
    migrated = migrated_path.read_bytes()
    compile(migrated, str(migrated_path), "exec")
    # The bridges, the collect helper and every use of the agent event type are gone (AGM001
    # keeps the old name imported in a module without __all__, for importers it cannot see).
    assert spec.helper.encode() not in migrated
    assert not [node for node in ast.walk(ast.parse(migrated))
                if (isinstance(node, ast.Name) and node.id == "RunResponseContentEvent")
                or (isinstance(node, ast.Attribute) and node.attr == "RunResponseContentEvent")], legacy_source

    again = migrate_source(migrated, RULES, str(migrated_path), FULL)
    assert again.error is None and again.findings == []
    assert again.migrated == migrated, "not idempotent:\n" + legacy_source

    legacy_module = importlib.import_module(f"{name}.legacy")
    migrated_module = importlib.import_module(f"{name}.migrated")
    results = check_parity(factory(legacy_module), factory(migrated_module), scenarios(spec))
    assert {result.mode for result in results} == {"run", "arun"}
    assert all(result.reference.responses or result.reference.error for result in results)
    return migrated_path


def pyright_errors(paths: List[Path]) -> List[str]:
    completed = subprocess.run(
        [str(PYRIGHT), "--outputjson", *map(str, paths)], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    report = json.loads(completed.stdout)
    assert report["summary"]["filesAnalyzed"] >= len(paths)
    return [
        f"{d['file']}:{d['range']['start']['line'] + 1}: {d['message']}"
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    ]


HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]


def fuzz(base: Path, monkeypatch: pytest.MonkeyPatch, examples: int) -> int:
    """``examples`` derandomized examples in this process, then one pyright run over them."""
    monkeypatch.syspath_prepend(str(base))
    migrated: List[Path] = []

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None, suppress_health_check=HEALTH)
    @given(spec=specs)
    def one(spec: Spec) -> None:
        migrated.append(check_example(base, spec))

    one()
    errors = pyright_errors(migrated)
    assert errors == [], "\n".join(errors)
    return len(migrated)


def run_shard(base: str, shard: int, examples: int) -> None:
    """One process of :func:`test_fuzz_many`: ``examples`` examples from the fixed seed ``shard``.

    Writes the migrated modules' paths to ``<base>/shard<shard>/migrated.txt``
    (the parent runs pyright once over all shards); a failing example raises,
    unshrunk (Hypothesis prints its spec), and the process exits non-zero.
    """
    directory = Path(base) / f"shard{shard}"
    directory.mkdir()
    sys.path.insert(0, str(directory))
    migrated: List[Path] = []

    @seed(shard)
    @settings(max_examples=examples, database=None, deadline=None, suppress_health_check=HEALTH,
              phases=[Phase.generate])  # no shrinking: it once took 5 of CI's minutes; the spec printed reproduces
    @given(spec=specs)
    def one(spec: Spec) -> None:
        migrated.append(check_example(directory, spec))

    one()
    (directory / "migrated.txt").write_text("".join(f"{path}\n" for path in migrated))


# -- the tests -----------------------------------------------------------------------------


def test_fuzz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert fuzz(tmp_path, monkeypatch, examples=10) == 10


SHARDS = 2  # processes: the codemods take ~1 s per generated workflow, so use both cores
#: Closed-world examples CI samples (the open-world fuzz, tests/test_fuzz_open_world.py, is the wider one);
#: AGNO_MIGRATE_CLOSED_FUZZ_EXAMPLES=200 runs the earlier rounds' 200.
MANY = int(os.environ.get("AGNO_MIGRATE_CLOSED_FUZZ_EXAMPLES", "80"))


@pytest.mark.slow
def test_fuzz_many(tmp_path: Path) -> None:
    """MANY examples over SHARDS processes with fixed seeds, then one batched pyright run."""
    code = "import sys; from tests.test_fuzz import run_shard; run_shard(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))"
    per_shard = -(-MANY // SHARDS)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path), str(shard), str(per_shard)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "AGNO_TELEMETRY": "false"},
        )
        for shard in range(SHARDS)
    ]
    outputs = [process.communicate(timeout=1800)[0] for process in processes]
    for shard, (process, output) in enumerate(zip(processes, outputs)):
        assert process.returncode == 0, f"shard {shard} failed:\n{output[-30000:]}"
    migrated = [Path(line) for shard in range(SHARDS)
                for line in (tmp_path / f"shard{shard}" / "migrated.txt").read_text().splitlines()]
    assert len(migrated) >= MANY
    errors = pyright_errors(migrated)
    assert errors == [], "\n".join(errors)


def test_generator_covers_every_form() -> None:
    """The strategy reaches every spelling and form it claims to (not a vacuous fuzzer)."""
    seen: Set[tuple] = set()

    @settings(max_examples=300, derandomize=True, database=None, deadline=None)
    @given(spec=specs)
    def collect(spec: Spec) -> None:
        text = render(spec)
        compile(text, "<generated>", "exec")
        seen.update({("alias", spec.asyncio_alias), ("run", spec.run_spelling), ("routing", spec.routing),
                     ("gather", spec.gather_spelling), ("helper", spec.helper), ("future", spec.future)})
        seen.update(("flow", flow.kind, flow.bridge) for flow in spec.flows)
        seen.update(("item", flow.item) for flow in spec.flows)
        seen.update(("report", flow.gather, flow.multiline, flow.stream_after, flow.tools)
                    for flow in spec.flows if flow.kind == "report")
        seen.add(("comments", "# note" in text and "# trailing" in text))
        two_line = sum(flow.bridge == "two_line" for flow in spec.flows)
        seen.add(("shared two-line variable", spec.shared_variable and two_line > 1))

    collect()
    expected: Set[tuple] = {("alias", alias) for alias in ("asyncio", "aio", "x")}
    expected |= {("run", spelling) for spelling in ("module", "from", "from_as")}
    expected |= {("routing", routing) for routing in ("helper", "inline", "keyword")}
    expected |= {("gather", spelling) for spelling in ("module", "from")}
    expected |= {("helper", name) for name in ("_collect_async_responses", "_drain")}
    expected |= {("future", True), ("future", False), ("item", "event"), ("item", "response")}
    expected |= {("flow", kind, bridge) for kind in ("report", "alone", "chat") for bridge in ("two_line", "inline", "for")}
    expected |= {("report", form, multiline, stream, tools) for form in ("unpack", "list") for multiline in (True, False)
                 for stream in (True, False) for tools in (2, 3)}
    expected |= {("comments", True), ("shared two-line variable", True)}
    assert expected <= seen, expected - seen


def _example_spec() -> Iterator[Spec]:
    yield Spec(
        flows=(Flow("report", 3, "two_line", "event", "unpack", True, True), Flow("chat", 0, "for", "event", "unpack", False, False)),
        asyncio_alias="aio", run_spelling="from_as", gather_spelling="from", routing="inline",
        helper="_collect_async_responses", future=True, comments=2**40 - 1, shared_variable=False,
    )


def test_render_example_is_readable() -> None:
    """One spec rendered, to show (and pin) what the generator writes."""
    [spec] = list(_example_spec())
    text = render(spec)
    assert "import asyncio as aio\nfrom asyncio import run as sync_run\nfrom asyncio import gather\n" in text
    assert 'category = str(sync_run(self.router.arun(message)).content).strip()  # trailing' in text
    assert "responses_0 = sync_run(self._collect_async_responses(self._run_flow0_flow(message)))" in text
    assert "for response in sync_run(self._collect_async_responses(self._run_flow1_flow(message))):" in text
    assert "part_0, part_1, part_2 = await gather(\n" in text
    assert "async for chunk in await self.agent_1.arun(message, stream=True):" in text
