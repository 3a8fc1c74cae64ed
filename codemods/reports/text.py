"""Text output (``--output-format text``): one line per finding, ``path: error: why`` per file
that failed, and the escaping every format applies to what it prints (file names, messages).

No file name reaches the terminal or a report raw: control characters, terminal escapes,
bidirectional overrides and undecodable bytes print escaped (``\\n``, ``\\x1b``, ``\\xe9``).
"""

from __future__ import annotations

import re
from typing import Iterable, List, Sequence

from codemods.engine import FileResult
from codemods.finding import Finding


def all_findings(results: Iterable[FileResult]) -> List[Finding]:
    return [finding for result in results for finding in result.findings]


# Control characters (C0, DEL, C1), bidirectional overrides and the lone surrogates
# that stand for undecodable bytes of a file name: never printed raw.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(match: "re.Match[str]") -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: str, keep: str = "") -> str:
    """``text`` with control characters and undecodable bytes escaped (``\\n``, ``\\x1b``, ``\\xff``),
    except the characters in ``keep``."""
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape_char(m), text)


def error_line(result: FileResult) -> str:
    return safe(f"{result.path}: error: {result.error}")


def applied_fix(result: FileResult, applied: bool) -> bool:
    """Whether ``result``'s fixes were written (``apply``) rather than only proposed."""
    return applied and result.written


def render_text(results: Sequence[FileResult]) -> str:
    """The findings as ``path:line:col CODE message`` lines; the file errors are not included
    (the CLI writes them to stderr)."""
    return "".join(safe(f.format()) + "\n" for f in all_findings(results))
