"""The Python version the migrated code must run on (``--target-version``, ruff's spelling).

Kept free of LibCST: the configuration, the engine, the verifier and the rules
all read it.  ``asyncio.TaskGroup`` and ``except*`` (AGM005, AGM006 and the
generated ``_BlockingTaskGroup`` boundary) need Python 3.11; below that those
rewrites are left alone with a finding naming the target.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional, Tuple

Version = Tuple[int, int]

SUPPORTED: Tuple[str, ...] = ("py39", "py310", "py311", "py312", "py313")
#: What the rules assume when nothing says otherwise (the toolkit's own floor before targets existed).
DEFAULT: Version = (3, 11)
#: ``asyncio.TaskGroup`` and ``except*`` arrived in Python 3.11.
TASK_GROUP: Version = (3, 11)


class TargetError(ValueError):
    pass


def parse(value: Any) -> Version:
    """``"py310"`` (or ``(3, 10)``) -> ``(3, 10)``; raises :class:`TargetError` for anything else."""
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        text = f"py{value[0]}{value[1]}"
    else:
        text = str(value)
    if text not in SUPPORTED:
        raise TargetError(f"unknown target version {value!r}; expected one of {', '.join(SUPPORTED)}")
    return (3, int(text[3:]))


def name(version: Version) -> str:
    return f"py{version[0]}{version[1]}"


def of(options: Mapping[str, Any]) -> Version:
    """The target in a rule's options (``target_version``), else :data:`DEFAULT`."""
    value = options.get("target_version")
    return DEFAULT if value is None else parse(value)


_LOWER_BOUND = re.compile(r">=\s*3\.(\d+)|~=\s*3\.(\d+)|==\s*3\.(\d+)")


def from_requires_python(spec: Optional[str]) -> Optional[Version]:
    """The lowest supported version a ``requires-python`` specifier allows (``">=3.10"`` -> ``(3, 10)``).

    None when the specifier names no lower bound this understands; versions
    below the oldest supported target map to it.
    """
    if not spec:
        return None
    bounds = [int(next(g for g in match.groups() if g)) for match in _LOWER_BOUND.finditer(spec)]
    if not bounds:
        return None
    oldest = parse(SUPPORTED[0])
    newest = parse(SUPPORTED[-1])
    return max(oldest, min((3, max(bounds)), newest))
