"""Where the fan-out rules (AGM005, AGM006) apply: ``fanout_scope`` (``--fanout-scope``).

``workflow`` (the default): only workflow code, i.e. the methods of agno
``Workflow`` subclasses and the module functions they call; ``all``: any code.
Kept free of LibCST: the configuration validates it, the rules read it.
"""

from __future__ import annotations

from typing import Any, Mapping, Tuple

FANOUT_SCOPES: Tuple[str, ...] = ("workflow", "all")
DEFAULT = "workflow"


def fanout_everywhere(options: Mapping[str, Any]) -> bool:
    """Whether the fan-out rules rewrite code outside workflows too."""
    value = options.get("fanout_scope") or DEFAULT
    if value not in FANOUT_SCOPES:
        raise ValueError(f"fanout_scope must be one of {', '.join(FANOUT_SCOPES)}, got {value!r}")
    return value == "all"
