"""Self-tests of codemods.parity.harness: it must see differences, not only agree."""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Dict, Iterator, List, Optional, Sequence

import pytest
from agno.models.message import Citations, UrlCitation
from agno.run.response import RunResponse, RunResponseContentEvent
from agno.workflow import Workflow
from hypothesis import given, settings
from hypothesis import strategies as st

from codemods.parity.harness import (
    Observation,
    ParityError,
    Scenario,
    assert_parity,
    available_modes,
    check_parity,
    collect_arun,
    collect_run,
    diff_observations,
    normalize,
)


class SyncFlow(Workflow):
    """Yields ``chunks`` (as ``item_type``), records the message in session_state, optionally fails."""

    def __init__(
        self,
        chunks: Sequence[str] = ("a ", "b"),
        fail_after: Optional[int] = None,
        item_type: type = RunResponse,
    ) -> None:
        self.chunks = list(chunks)
        self.fail_after = fail_after
        self.item_type = item_type
        super().__init__(telemetry=False)

    def run(self, message: str) -> Iterator[RunResponse]:
        self.session_state["last"] = message
        for index, chunk in enumerate(self.chunks):
            if index == self.fail_after:
                raise ValueError("boom")
            yield self.item_type(content=chunk)


class TwinFlow(SyncFlow):
    """Native sync run and async-generator arun, both wrapped by agno."""

    def update_run_method(self) -> None:
        super().update_run_method()
        object.__setattr__(self, "run", self.run_workflow)

    async def arun(self, message: str) -> AsyncIterator[RunResponse]:
        self.session_state["last"] = message
        for index, chunk in enumerate(self.chunks):
            await asyncio.sleep(0)
            if index == self.fail_after:
                raise ValueError("boom")
            yield self.item_type(content=chunk)


class ReturningFlow(Workflow):
    """run() and a coroutine arun() returning one response each, both wrapped by agno."""

    def __init__(self) -> None:
        super().__init__(telemetry=False)

    def update_run_method(self) -> None:
        super().update_run_method()
        object.__setattr__(self, "run", self.run_workflow)

    def run(self, message: str) -> RunResponse:
        return RunResponse(content=f"answer to {message}")

    async def arun(self, message: str) -> RunResponse:
        return RunResponse(content=f"answer to {message}")


class NotAWorkflow:
    """Has a run() generator but no agno wrapper around it."""

    def run(self, message: str) -> Iterator[RunResponse]:
        yield RunResponse(content=message)


class AsyncRunOnly:
    async def run(self, message: str) -> RunResponse:
        return RunResponse(content=message)


class NoRunFlow(Workflow):
    def __init__(self) -> None:
        super().__init__(telemetry=False)


SCENARIO = Scenario("hello", {"message": "hello"})


# -- normalize --------------------------------------------------------------------------


def test_normalize_keeps_content_fields_and_drops_ids() -> None:
    first = RunResponse(content="x", run_id="1", session_id="s1", workflow_id="w1", created_at=1)
    second = RunResponse(content="x", run_id="2", session_id="s2", workflow_id="w2", created_at=2, metrics={"t": [1]})
    assert normalize([first]) == normalize([second]) == [
        {
            "type": "RunResponse",
            "content": "x",
            "content_type": "str",
            "thinking": None,
            "reasoning_content": None,
            "citations": None,
        }
    ]


def test_normalize_sees_every_content_field() -> None:
    base = RunResponseContentEvent(content="x")
    citations = Citations(urls=[UrlCitation(url="https://example.com", title="ex")])
    variants = [
        RunResponseContentEvent(content="y"),
        RunResponseContentEvent(content="x", content_type="json"),
        RunResponseContentEvent(content="x", thinking="hmm"),
        RunResponseContentEvent(content="x", reasoning_content="because"),
        RunResponseContentEvent(content="x", citations=citations),
    ]
    for variant in variants:
        assert normalize([variant]) != normalize([base])
    assert normalize([variants[-1]])[0]["citations"]["urls"] == [{"url": "https://example.com", "title": "ex"}]
    assert normalize([base])[0]["type"] == "RunResponseContentEvent"
    assert normalize(["plain"]) == [{"type": "str", "content": "plain", "content_type": None, "thinking": None,
                                     "reasoning_content": None, "citations": None}]  # fmt: skip


# -- collecting --------------------------------------------------------------------------


def test_collect_run_of_a_generator_workflow() -> None:
    workflow = SyncFlow(["a ", "b"])
    observation = collect_run(workflow, message="hi")
    assert observation.contents == ["a ", "b"]
    assert observation.text == "a b"
    assert observation.run_id_on_every_item
    assert observation.final_content == "a b"
    assert observation.memory_runs == 1
    assert observation.session_state == {"last": "hi"}
    assert observation.error is None
    # a second run on the same workflow is a second run in memory
    assert collect_run(workflow, message="again").memory_runs == 2


def test_collect_run_of_a_workflow_returning_one_response() -> None:
    observation = collect_run(ReturningFlow(), message="q")
    assert observation.contents == ["answer to q"]
    assert observation.run_id_on_every_item
    assert observation.final_content == "answer to q"
    assert observation.memory_runs == 1


def test_collect_run_of_an_unwrapped_object() -> None:
    observation = collect_run(NotAWorkflow(), message="q")
    assert observation.contents == ["q"]
    assert not observation.run_id_on_every_item
    assert observation.final_content is None
    assert observation.memory_runs == 0


def test_collect_run_records_the_error_and_what_came_before() -> None:
    observation = collect_run(SyncFlow(["a ", "b ", "c"], fail_after=2), message="hi")
    assert observation.contents == ["a ", "b "]
    assert observation.error == "ValueError: boom"
    assert observation.final_content == "a b "
    assert observation.memory_runs == 0


def test_collect_run_refuses_an_async_run() -> None:
    observation = collect_run(AsyncRunOnly(), message="q")  # the coroutine is closed: no RuntimeWarning
    assert observation.error is not None and observation.error.startswith("TypeError: ")
    assert observation.responses == []


async def test_collect_arun_of_an_async_generator_workflow() -> None:
    workflow = TwinFlow(["a ", "b"])
    observation = await collect_arun(workflow, message="hi")
    assert observation.contents == ["a ", "b"]
    assert observation.run_id_on_every_item
    assert observation.final_content == "a b"
    assert observation.memory_runs == 1
    assert observation.session_state == {"last": "hi"}


async def test_collect_arun_of_a_coroutine_workflow() -> None:
    observation = await collect_arun(ReturningFlow(), message="q")
    assert observation.contents == ["answer to q"]
    assert observation.run_id_on_every_item and observation.memory_runs == 1


async def test_collect_arun_records_the_error() -> None:
    observation = await collect_arun(TwinFlow(["a ", "b"], fail_after=1), message="hi")
    assert observation.contents == ["a "]
    assert observation.error == "ValueError: boom"
    assert observation.memory_runs == 0


# -- comparing ---------------------------------------------------------------------------


def test_assert_parity_accepts_equal_runs() -> None:
    assert_parity(collect_run(SyncFlow(), message="hi"), collect_run(SyncFlow(), message="hi"))


@pytest.mark.parametrize(
    "candidate, field",
    [
        (lambda: SyncFlow(["a ", "c"]), "responses"),
        (lambda: SyncFlow(["a ", "b", ""]), "responses"),
        (lambda: SyncFlow(["a ", "b"], fail_after=1), "error"),
        (lambda: NotAWorkflow(), "run_id_on_every_item"),
    ],
)
def test_assert_parity_reports_the_difference(candidate: Any, field: str) -> None:
    reference = collect_run(SyncFlow(["a ", "b"]), message="hi")
    with pytest.raises(AssertionError) as raised:
        assert_parity(reference, collect_run(candidate(), message="hi"))
    assert f"{field} differ" in str(raised.value)


def test_diff_is_readable() -> None:
    reference = collect_run(SyncFlow(["a ", "b"]), message="hi")
    candidate = collect_run(SyncFlow(["a ", "c"]), message="bye")
    diff = diff_observations(reference, candidate)
    assert diff is not None
    assert "-{'citations': None, 'content': 'b'," in diff
    assert "+{'citations': None, 'content': 'c'," in diff
    assert "final_content differs:\n  reference: 'a b'\n  candidate: 'a c'" in diff
    assert "session_state differs:\n  reference: {'last': 'hi'}\n  candidate: {'last': 'bye'}" in diff
    assert "memory_runs" not in diff  # equal fields are not mentioned


def test_content_event_and_run_response_are_equivalent_unless_strict() -> None:
    event_run = collect_run(SyncFlow(item_type=RunResponseContentEvent), message="hi")
    response_run = collect_run(SyncFlow(item_type=RunResponse), message="hi")
    assert_parity(event_run, response_run)
    with pytest.raises(AssertionError, match="RunResponseContentEvent"):
        assert_parity(event_run, response_run, type_aliases={})


@settings(max_examples=50, deadline=None)
@given(
    chunks=st.lists(st.text(max_size=5), max_size=4),
    other=st.lists(st.text(max_size=5), max_size=4),
)
def test_parity_holds_exactly_when_the_responses_match(chunks: List[str], other: List[str]) -> None:
    reference = Observation(responses=normalize([RunResponse(content=c) for c in chunks]))
    candidate = Observation(responses=normalize([RunResponseContentEvent(content=c) for c in other]))
    if chunks == other:
        assert diff_observations(reference, candidate) is None
    else:
        with pytest.raises(AssertionError):
            assert_parity(reference, candidate)


# -- check_parity ---------------------------------------------------------------------------


def _counting(factory: Any, calls: List[str]) -> Any:
    def make(scenario: Scenario) -> Any:
        calls.append(scenario.name)
        return factory(scenario)

    return make


def test_check_parity_runs_both_modes_on_fresh_workflows() -> None:
    reference_calls: List[str] = []
    candidate_calls: List[str] = []
    scenarios = [SCENARIO, Scenario("failing", {"message": "x"}, {"fail_after": 1})]

    def make(cls: type) -> Any:
        return lambda scenario: cls(fail_after=scenario.setup.get("fail_after"))

    results = check_parity(
        _counting(make(SyncFlow), reference_calls), _counting(make(TwinFlow), candidate_calls), scenarios
    )
    assert [(r.scenario, r.mode, r.ok) for r in results] == [
        ("hello", "run", True),
        ("hello", "arun", True),
        ("failing", "run", True),
        ("failing", "arun", True),
    ]
    assert results[2].reference.error == results[3].candidate.error == "ValueError: boom"
    assert reference_calls == ["hello", "failing"]
    assert candidate_calls == ["hello", "hello", "failing", "failing"]


def test_check_parity_only_runs_modes_the_candidate_has() -> None:
    assert available_modes(SyncFlow()) == ("run",)
    assert available_modes(TwinFlow()) == ("run", "arun")
    assert available_modes(NoRunFlow()) == ()
    results = check_parity(lambda s: SyncFlow(), lambda s: SyncFlow(), [SCENARIO])
    assert [r.mode for r in results] == ["run"]
    results = check_parity(lambda s: SyncFlow(), lambda s: TwinFlow(), [SCENARIO], modes=("arun",))
    assert [r.mode for r in results] == ["arun"]


def test_check_parity_fails_on_a_different_candidate() -> None:
    with pytest.raises(ParityError) as raised:
        check_parity(lambda s: SyncFlow(["a ", "b"]), lambda s: TwinFlow(["a ", "B"]), [SCENARIO])
    assert [(r.mode, r.ok) for r in raised.value.results] == [("run", False), ("arun", False)]
    message = str(raised.value)
    assert message.startswith("2 of 2 parity checks failed")
    assert "[hello / run]" in message and "[hello / arun]" in message
    assert "'content': 'B'" in message


def test_check_parity_fails_on_a_candidate_only_arun_breaks() -> None:
    class BrokenArun(TwinFlow):
        async def arun(self, message: str) -> AsyncIterator[RunResponse]:
            yield RunResponse(content="a ")  # forgets the rest

    with pytest.raises(ParityError) as raised:
        check_parity(lambda s: SyncFlow(["a ", "b"]), lambda s: BrokenArun(["a ", "b"]), [SCENARIO])
    assert [(r.mode, r.ok) for r in raised.value.results] == [("run", True), ("arun", False)]


def test_check_parity_refuses_to_pass_vacuously() -> None:
    with pytest.raises(ValueError, match="at least one scenario"):
        check_parity(lambda s: SyncFlow(), lambda s: SyncFlow(), [])
    with pytest.raises(ValueError, match="implements none of the modes"):
        check_parity(lambda s: SyncFlow(), lambda s: NoRunFlow(), [SCENARIO])
    with pytest.raises(ValueError, match="implements none of the modes"):
        check_parity(lambda s: SyncFlow(), lambda s: SyncFlow(), [SCENARIO], modes=("arun",))
    with pytest.raises(ValueError, match="unknown modes"):
        check_parity(lambda s: SyncFlow(), lambda s: SyncFlow(), [SCENARIO], modes=("stream",))


def test_observation_fields_are_what_the_docs_promise() -> None:
    fields: Dict[str, Any] = Observation().__dict__
    assert list(fields) == [
        "responses",
        "run_id_on_every_item",
        "final_content",
        "memory_runs",
        "session_state",
        "error",
    ]


# -- a stream may show more before the same error -------------------------------------------------


def _items(*contents: str) -> list:
    return [{"type": "RunResponse", "content": c} for c in contents]


def test_streaming_more_items_before_the_same_error_is_accepted() -> None:
    from codemods.parity.harness import Observation, diff_observations

    reference = Observation(responses=[], final_content=None, error="ToolError: down")
    candidate = Observation(responses=_items("a", "b"), final_content="ab", error="ToolError: down")
    assert diff_observations(reference, candidate) is None
    assert diff_observations(reference, candidate, streamed_before_error=False) is not None


def test_fewer_or_other_items_or_another_error_still_differ() -> None:
    from codemods.parity.harness import Observation, diff_observations

    reference = Observation(responses=_items("a"), error="ToolError: down")
    fewer = Observation(responses=[], error="ToolError: down")
    other = Observation(responses=_items("x", "b"), error="ToolError: down")
    other_error = Observation(responses=_items("a", "b"), error="KeyError: 'k'")
    no_error = Observation(responses=_items("a", "b"), error=None)
    for candidate in (fewer, other, other_error, no_error):
        assert diff_observations(reference, candidate) is not None, candidate
