"""The unified diff of ``agno-migrate diff`` (``git apply``-able), and how a report decodes
the bytes of a file."""

from __future__ import annotations

import difflib
import io
import tokenize
from typing import List

from codemods.engine import FileResult
from codemods.lines import source_lines
from codemods.reports.text import safe


def decode_source(data: bytes) -> str:
    """Decode Python source bytes honouring a BOM or an encoding cookie."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return data.decode("utf-8", errors="replace")


def unified_diff(result: FileResult, context: int = 3) -> str:
    """The ``git apply``-able unified diff of a result ('' if unchanged).

    Like GNU diff, a line without a final newline is followed by
    ``\\ No newline at end of file``.
    """
    if not result.changed:
        return ""
    assert result.original is not None and result.migrated is not None
    before = source_lines(decode_source(result.original), keepends=True)
    after = source_lines(decode_source(result.migrated), keepends=True)
    out: List[str] = []
    path = safe(result.path).lstrip("/")  # a/tmp/x.py, not a//tmp/x.py; no newline in a header
    for line in difflib.unified_diff(before, after, fromfile=f"a/{path}", tofile=f"b/{path}", n=context):
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)
