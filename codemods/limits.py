"""Cheap checks that keep one pathological file from costing the whole run.

LibCST's native parser overflows its stack (a segmentation fault, no Python
exception) on brackets nested a few thousand deep, and its parse time grows
faster than quadratically with the length of one operator chain; the rules
then cost ~3 ms per line.  Before a file is parsed, :func:`precheck` measures
it without LibCST (one regular-expression pass over the bytes, strings and
comments left out) and refuses a file beyond one of these limits, naming it:

========================  =======================================================
``MAX_BYTES``             file size
``MAX_LINES``             lines
``MAX_NESTING``           brackets ``([{`` open at once (CPython allows 200)
``MAX_OPERATORS``         binary/comparison/boolean operators in one statement
========================  =======================================================

Files past the smaller ``SUPERVISE_*`` thresholds (and every file with
``-j N``, N > 1) are parsed in a supervised worker process
(:mod:`codemods.workers`) with a time and memory budget, so even a crash the
checks did not foresee costs one file.
"""

from __future__ import annotations

import os
import re
from typing import Optional

MAX_BYTES = 10 * 1024 * 1024
MAX_LINES = 50_000
MAX_NESTING = 100
MAX_OPERATORS = 1_000

#: A file this big (or with this many lines) is parsed in a supervised worker even with ``-j 1``.
SUPERVISE_BYTES = 256 * 1024
SUPERVISE_LINES = 2_000


def _env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def time_limit() -> float:
    """Seconds one file may take to parse and migrate in a worker (``AGNO_MIGRATE_TIME_LIMIT``, default 120)."""
    return _env_number("AGNO_MIGRATE_TIME_LIMIT", 120.0)


def memory_limit_mb() -> int:
    """Megabytes a worker may add for one file (``AGNO_MIGRATE_MEMORY_LIMIT``, default 4096)."""
    return int(_env_number("AGNO_MIGRATE_MEMORY_LIMIT", 4096.0))


# Strings (any prefix, triple-quoted first) and comments: their brackets and operators do not count.
_SKIP = re.compile(
    rb"#[^\r\n]*"
    rb"|[rRbBuUfF]{0,2}(?:\"\"\"(?:\\.|[^\\])*?\"\"\"|'''(?:\\.|[^\\])*?'''"
    rb"|\"(?:\\.|[^\"\\\r\n])*\"|'(?:\\.|[^'\\\r\n])*')",
    re.S,
)
_TOKEN = re.compile(
    rb"(?P<skip>" + _SKIP.pattern + rb")"
    rb"|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<end>\\\r?\n|\r?\n|;)"
    rb"|(?P<op>\*\*|//|<<|>>|[-+*/%@&|^]|[<>!=]=|[<>]|\band\b|\bor\b)(?!=)",
    re.S,
)


def precheck(source: bytes) -> Optional[str]:
    """Why ``source`` is too big or too deep to parse safely, or None."""
    if len(source) > MAX_BYTES:
        return (f"file too large to migrate safely ({len(source) / 1024 / 1024:.1f} MB; size limit "
                f"{MAX_BYTES // 1024 // 1024} MB); left unchanged")
    lines = source.count(b"\n") + 1
    if lines > MAX_LINES:
        return f"file too long to migrate safely ({lines} lines; line limit {MAX_LINES}); left unchanged"
    depth = deepest = operators = most = 0
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_NESTING:
                    return (f"brackets nested too deeply to parse safely (more than {MAX_NESTING} levels; "
                            f"nesting limit {MAX_NESTING}); left unchanged")
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "op":
            operators += 1
            if operators > most:
                most = operators
                if most > MAX_OPERATORS:
                    return (f"operator chain too long to parse safely (more than {MAX_OPERATORS} operators in "
                            f"one statement; operator limit {MAX_OPERATORS}); left unchanged")
        elif kind == "end" and (depth == 0 or match.group() == b";") and not match.group().startswith(b"\\"):
            operators = 0
    return None


def needs_supervision(source: bytes) -> bool:
    """Whether ``source`` is big enough to be parsed in a supervised worker even with ``-j 1``."""
    return len(source) > SUPERVISE_BYTES or source.count(b"\n") >= SUPERVISE_LINES
