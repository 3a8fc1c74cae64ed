"""The ``_BlockingTaskGroup`` helper (run directly) and its insertion into modules."""

from __future__ import annotations

import asyncio
import gc
import inspect
import warnings
from typing import Any, Callable, Dict, List

import libcst as cst
import pytest
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand

from codemods.boundary import BOUNDARY_CLASS, HELPER_SOURCE, IMPORTS, TYPING_NAMES, ensure_boundary_helper

PRELUDE = "import asyncio\n" + "".join(f"from {module} import {name}\n" for module, name in IMPORTS) + "\n\n"


@pytest.fixture()
def group_class() -> Callable[[], Any]:
    namespace: Dict[str, Any] = {}
    exec(compile(PRELUDE + HELPER_SOURCE, "<boundary helper>", "exec"), namespace)
    return namespace[BOUNDARY_CLASS]


async def _value(value: int, events: List[str], name: str) -> int:
    events.append(f"{name} start")
    for _ in range(3):
        await asyncio.sleep(0)
    events.append(f"{name} end")
    return value


async def _fail(exc: BaseException, events: List[str], name: str) -> int:
    events.append(f"{name} start")
    await asyncio.sleep(0)
    events.append(f"{name} raise")
    raise exc


async def _sleep_forever(events: List[str], name: str) -> int:
    events.append(f"{name} start")
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        events.append(f"{name} cancelled")
        raise
    return 0


class TestBlockingTaskGroupAGM006:
    """The helper itself (AGM006 inserts it; the class name lets `-k AGM006` select these)."""

    def test_results_are_available_after_the_block(self, group_class: Callable[[], Any]) -> None:
        events: List[str] = []
        with group_class() as tg:
            a = tg.create_task(_value(1, events, "a"))
            b = tg.create_task(_value(2, events, "b"))
            assert events == []  # nothing runs inside the block
        assert (a.result(), b.result()) == (1, 2)

    def test_coroutines_run_concurrently(self, group_class: Callable[[], Any]) -> None:
        events: List[str] = []
        with group_class() as tg:
            tg.create_task(_value(1, events, "a"))
            tg.create_task(_value(2, events, "b"))
        started = max(events.index("a start"), events.index("b start"))
        finished = min(events.index("a end"), events.index("b end"))
        assert started < finished, events

    def test_first_exception_is_reraised_unwrapped(self, group_class: Callable[[], Any]) -> None:
        events: List[str] = []
        with pytest.raises(ValueError, match="first") as info:
            with group_class() as tg:
                tg.create_task(_fail(ValueError("first"), events, "a"))
                tg.create_task(_value(2, events, "b"))
        assert type(info.value) is ValueError
        assert not isinstance(info.value, BaseExceptionGroup)

    def test_failure_cancels_siblings(self, group_class: Callable[[], Any]) -> None:
        events: List[str] = []
        with pytest.raises(KeyError):
            with group_class() as tg:
                tg.create_task(_sleep_forever(events, "slow"))
                tg.create_task(_fail(KeyError("boom"), events, "fast"))
        assert "slow cancelled" in events
        assert events.index("fast raise") < events.index("slow cancelled")

    def test_result_before_exit_raises(self, group_class: Callable[[], Any]) -> None:
        with group_class() as tg:
            handle = tg.create_task(_value(1, [], "a"))
            with pytest.raises(RuntimeError, match="before the _BlockingTaskGroup block exited"):
                handle.result()
        assert handle.result() == 1

    def test_exception_in_block_closes_coroutines(self, group_class: Callable[[], Any]) -> None:
        events: List[str] = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            coro = _value(1, events, "a")
            with pytest.raises(ZeroDivisionError):
                with group_class() as tg:
                    tg.create_task(coro)
                    raise ZeroDivisionError
            assert inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED
            del coro, tg
            gc.collect()
        assert events == []
        assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], [str(w.message) for w in caught]

    async def test_refuses_a_running_loop_without_leaking_coroutines(self, group_class: Callable[[], Any]) -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            coro = _value(1, [], "a")
            with pytest.raises(RuntimeError, match="running event loop"):
                with group_class() as tg:
                    tg.create_task(coro)
            assert inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED
            del coro, tg
            gc.collect()
        assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], [str(w.message) for w in caught]


# -- ensure_boundary_helper --------------------------------------------------------


class _Insert(VisitorBasedCodemodCommand):
    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return ensure_boundary_helper(updated_node, self.context)


def _insert(source: str) -> str:
    return _Insert(CodemodContext()).transform_module(cst.parse_module(source)).code


USER = '''\
"""A user module."""

from __future__ import annotations

import asyncio as aio
from typing import Dict

# The fetcher.
async def fetch(x: int) -> int:
    await aio.sleep(0)
    return x


def both() -> Dict[str, int]:
    with _BlockingTaskGroup() as tg:
        a = tg.create_task(fetch(1))
        b = tg.create_task(fetch(2))
    return {"a": a.result(), "b": b.result()}
'''


class TestEnsureBoundaryHelperAGM006:
    """Inserting the helper into a module, once."""

    def test_helper_is_inserted_after_imports_and_works(self) -> None:
        out = _insert(USER)
        assert out.count(f"class {BOUNDARY_CLASS}") == 1
        assert "# Generated by agno-migrate" in out
        assert "\nimport asyncio\n" in out
        typing_line = next(line for line in out.splitlines() if line.startswith("from typing import"))
        assert set(typing_line.removeprefix("from typing import ").split(", ")) == {*TYPING_NAMES, "Dict"}
        # After the imports, before the first other statement (and its comment).
        assert out.index("from typing import") < out.index("# Generated by agno-migrate") < out.index("# The fetcher.")
        assert out.startswith('"""A user module."""\n\nfrom __future__ import annotations\n')
        namespace: Dict[str, Any] = {}
        exec(compile(out, "<user>", "exec"), namespace)
        assert namespace["both"]() == {"a": 1, "b": 2}

    def test_helper_insertion_is_idempotent(self) -> None:
        once = _insert(USER)
        assert _insert(once) == once

    def test_module_not_using_the_helper_is_unchanged(self) -> None:
        source = "import asyncio\n\n\ndef f() -> None:\n    pass\n"
        assert _insert(source) == source

    def test_module_importing_the_helper_is_unchanged(self) -> None:
        source = f"from helpers import {BOUNDARY_CLASS}\n\n\nwith {BOUNDARY_CLASS}() as tg:\n    pass\n"
        assert _insert(source) == source

    def test_module_without_imports_gets_imports_and_helper(self) -> None:
        out = _insert(f"def f() -> None:\n    with {BOUNDARY_CLASS}() as tg:\n        pass\n")
        assert out.startswith("import asyncio\n")
        assert out.index(f"class {BOUNDARY_CLASS}") < out.index("def f()")
        compile(out, "<user>", "exec")
        assert _insert(out) == out


class TestRunOneAGM006:
    def test_run_returns_the_coroutines_value(self, group_class: Any) -> None:
        events: List[str] = []
        assert group_class.run(_value(7, events, "a")) == 7
        assert events == ["a start", "a end"]

    def test_run_raises_the_bare_exception(self, group_class: Any) -> None:
        with pytest.raises(KeyError, match="boom"):
            group_class.run(_fail(KeyError("boom"), [], "a"))
