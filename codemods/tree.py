"""Keep a committed migrated copy of a tree up to date: ``agno-migrate snapshot`` under another name.

``migrated/`` in this repository is exactly what the codemods make of
``legacy/``.  ``python -m codemods.tree regenerate SRC DST`` rewrites DST
(``agno-migrate snapshot --strict --force SRC DST``); ``python -m
codemods.tree check SRC DST`` exits 1 listing every difference (changed,
missing and extra files) without touching anything (``agno-migrate snapshot
--strict --check SRC DST``).  Both read ``[tool.agno-migrate]`` as ``apply``
does and take its options after DST (``--ignore AGM006``, ``--config FILE``
...); ``--strict`` makes a spot a rule left alone an error (exit 1).
"""

from __future__ import annotations

import sys
from typing import Sequence

USAGE = "usage: python -m codemods.tree regenerate|check SRC DST [agno-migrate snapshot options]"


def main(argv: Sequence[str]) -> int:
    if len(argv) < 3 or argv[0] not in ("regenerate", "check"):
        print(USAGE, file=sys.stderr)
        return 2
    from codemods.cli import main as cli

    mode = "--force" if argv[0] == "regenerate" else "--check"
    try:
        cli(["snapshot", "--strict", mode, *argv[1:]], prog_name="python -m codemods.tree")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
