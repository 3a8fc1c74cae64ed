"""The sync <-> async name map that drives twin generation in both directions.

Built in for agno: ``run`` <-> ``arun``, ``_run_<x>`` <-> ``_arun_<x>`` and,
for any other method, ``<_>name`` <-> ``<_>aname`` (``_route`` <-> ``_aroute``),
the convention agno itself uses (``Agent.run``/``Agent.arun``).  Users add
pairs in ``[tool.agno-migrate] name-map`` (reaching rules as the ``name_map``
option), which take precedence.

Type names map too: ``Iterator`` <-> ``AsyncIterator`` and friends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, Mapping, Optional

SYNC_TO_ASYNC_TYPES: Mapping[str, str] = {
    "Iterator": "AsyncIterator",
    "Iterable": "AsyncIterable",
    "Generator": "AsyncGenerator",
    "ContextManager": "AsyncContextManager",
}
ASYNC_TO_SYNC_TYPES: Mapping[str, str] = {value: key for key, value in SYNC_TO_ASYNC_TYPES.items()}

_SUBFLOW_SYNC = re.compile(r"^(_*)run_(\w+)$")
_SUBFLOW_ASYNC = re.compile(r"^(_*)arun_(\w+)$")


@dataclass(frozen=True)
class NameMap:
    """Maps method names between their sync and async spellings."""

    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_options(cls, options: Mapping[str, object]) -> "NameMap":
        extra = options.get("name_map") or {}
        if not isinstance(extra, Mapping):
            raise TypeError("name_map must be a table of sync name -> async name")
        return cls(dict((str(k), str(v)) for k, v in extra.items()))

    @property
    def _reverse(self) -> Dict[str, str]:
        return {value: key for key, value in self.extra.items()}

    def to_async(self, name: str) -> str:
        if name in self.extra:
            return self.extra[name]
        if name == "run":
            return "arun"
        match = _SUBFLOW_SYNC.match(name)
        if match:
            return f"{match.group(1)}arun_{match.group(2)}"
        stripped = name.lstrip("_")
        return f"{name[: len(name) - len(stripped)]}a{stripped}"

    def is_async_name(self, name: str, known_names: Iterable[str] = ()) -> bool:
        """Whether ``name`` is spelled as the async twin of some sync name.

        Only explicit pairs, ``arun`` and ``_arun_*`` count on their own; the
        generic ``a`` prefix counts when the sync spelling is in ``known_names``
        (``_aggregate`` is not the twin of ``_ggregate`` unless that exists).
        """
        return self.to_sync(name, known_names) is not None

    def to_sync(self, name: str, known_names: Iterable[str] = ()) -> Optional[str]:
        """The sync spelling of an async ``name``, or None if it is not one."""
        reverse = self._reverse
        if name in reverse:
            return reverse[name]
        if name == "arun":
            return "run"
        match = _SUBFLOW_ASYNC.match(name)
        if match:
            return f"{match.group(1)}run_{match.group(2)}"
        for candidate in known_names:
            if candidate != name and self.to_async(candidate) == name:
                return candidate
        return None

    def is_subflow_name(self, name: str) -> bool:
        """``run``, ``_run_*`` or a configured sync name: an entry point or subflow."""
        return name == "run" or bool(_SUBFLOW_SYNC.match(name)) or name in self.extra
