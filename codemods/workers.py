"""Supervised worker processes: a file that crashes, hangs or bloats the parser costs one file.

:func:`migrate_supervised` hands prefiltered files to at most ``jobs``
worker processes, one file at a time each.  A worker that dies (a
segmentation fault in LibCST's native parser, an abort), exceeds the time
limit (:func:`codemods.limits.time_limit`, then it is killed) or its memory
limit (``RLIMIT_AS``, :func:`codemods.limits.memory_limit_mb`) turns that
file into a per-file error naming the cause, and a fresh worker takes the
next file.

Workers never write files (the engine writes from the main process only)
and die with their parent: on Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``,
elsewhere (and as a back-up) a watchdog thread that exits once the parent
process is gone, so ``kill -9`` of the main process alone leaves no worker
running.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Any, Deque, Iterator, List, Optional, Sequence, Tuple

from codemods import limits

#: ``(result to migrate, triggered rules, selected rules, options)``, as for ``engine.migrate_file``.
Work = Tuple[Any, tuple, tuple, dict]


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except Exception:  # noqa: BLE001 - the watchdog below still works
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="agno-migrate-watchdog", daemon=True).start()


def _limit_memory(megabytes: int) -> None:
    try:
        import resource

        with open("/proc/self/statm") as handle:  # what the forked worker already maps
            mapped = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = mapped + megabytes * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):  # not Linux: time limit only
        pass


def _worker(conn: Connection, parent: int, megabytes: int) -> None:
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C and stops us
    _limit_memory(megabytes)
    from codemods import engine

    while True:
        try:
            work = conn.recv()
        except (EOFError, OSError):
            return
        if work is None:
            return
        result = work[0]
        try:
            migrated = engine.migrate_file(*work)
        except MemoryError:
            migrated = engine.FileResult(path=result.path, original=result.original, error=_memory_message(megabytes))
        if migrated.error and " failed: MemoryError" in migrated.error:  # a rule hit the limit
            migrated = engine.FileResult(path=result.path, original=result.original, error=_memory_message(megabytes))
        try:
            conn.send(migrated)
        except MemoryError:
            conn.send(engine.FileResult(path=result.path, original=result.original, error=_memory_message(megabytes)))


def _memory_message(megabytes: int) -> str:
    return f"needs more than {megabytes} MB to migrate (memory limit, AGNO_MIGRATE_MEMORY_LIMIT); left unchanged"


def _death_message(exitcode: Optional[int], megabytes: int) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = {"SIGSEGV": " (LibCST's parser overflowed its stack?)",
                "SIGABRT": f" (out of memory? memory limit {megabytes} MB)",
                "SIGKILL": " (killed from outside, or out of memory)"}.get(name, "")
        return f"the parser process crashed on this file: killed by {name}{hint}; left unchanged"
    return f"the parser process died on this file (exit code {exitcode}); left unchanged"


class _Slot:
    def __init__(self, context: Any, megabytes: int) -> None:
        parent_end, child_end = context.Pipe()
        self.process = context.Process(target=_worker, args=(child_end, os.getpid(), megabytes), daemon=True)
        self.process.start()
        child_end.close()
        self.conn: Connection = parent_end
        self.task: Optional[Tuple[int, Work]] = None
        self.started = 0.0

    def give(self, index: int, work: Work) -> None:
        self.task, self.started = (index, work), time.monotonic()
        self.conn.send(work)

    def stop(self, kill: bool = False) -> None:
        if kill and self.process.is_alive():
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _sharing_bytes(received: Any, sent: Any) -> Any:
    """``received`` (a worker's result, unpickled: new copies of the file's bytes)
    holding the bytes object the main process already has when they are equal,
    and the original bytes as ``migrated`` when nothing changed: one copy of
    each file stays alive, not two."""
    if received.original is not sent.original and received.original == sent.original:
        received.original = sent.original
    if received.migrated is not None and received.migrated is not received.original \
            and received.migrated == received.original:
        received.migrated = received.original
    return received


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    # fork: workers start in milliseconds and see the rules the parent loaded.
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def migrate_supervised(items: Sequence[Tuple[int, Work]], jobs: int) -> Iterator[Tuple[int, Any]]:
    """Yield ``(index, migrated FileResult)`` for each item, in completion order."""
    from codemods.engine import FileResult

    context = _context()
    seconds, megabytes = limits.time_limit(), limits.memory_limit_mb()
    queue: Deque[Tuple[int, Work]] = deque(items)
    slots: List[_Slot] = []
    try:
        while queue or any(slot.task for slot in slots):
            while queue and (len(slots) < jobs or any(slot.task is None for slot in slots)):
                slot = next((s for s in slots if s.task is None), None)
                if slot is None:
                    slot = _Slot(context, megabytes)
                    slots.append(slot)
                slot.give(*queue.popleft())
            busy = [slot for slot in slots if slot.task]
            deadline = min(slot.started for slot in busy) + seconds
            ready = wait([slot.conn for slot in busy] + [slot.process.sentinel for slot in busy],
                         timeout=max(0.0, deadline - time.monotonic()))
            now = time.monotonic()
            for slot in busy:
                assert slot.task is not None
                index, work = slot.task
                failed: Optional[str] = None
                if slot.conn in ready or slot.process.sentinel in ready:
                    received: Any = None
                    try:
                        if slot.conn.poll():
                            received = slot.conn.recv()
                    except Exception:  # noqa: BLE001 - died while sending: reported below
                        received = None
                    if isinstance(received, FileResult):
                        slot.task = None
                        yield index, _sharing_bytes(received, work[0])
                        continue
                    slot.process.join(5)
                    failed = _death_message(slot.process.exitcode, megabytes)
                elif now - slot.started >= seconds:
                    failed = (f"took longer than {seconds:g} s to migrate (time limit, AGNO_MIGRATE_TIME_LIMIT); "
                              "left unchanged")
                if failed is not None:
                    slot.stop(kill=True)
                    slots.remove(slot)
                    yield index, FileResult(path=work[0].path, original=work[0].original, error=failed)
    finally:
        for slot in slots:
            slot.stop(kill=bool(slot.task))

