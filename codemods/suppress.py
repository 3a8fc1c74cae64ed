"""Inline suppressions, as ruff's ``# noqa`` and Fixit's ``# lint-ignore``.

* ``# agno-migrate: ignore[AGM004]`` at the end of a line: findings of AGM004
  on that line are dropped, and AGM004 makes no fix in the file (a rule's
  fixes in one file are made together, so the only way to keep that one spot
  is to leave the rule out of the file; the finding that says so names the
  line).  Several codes: ``ignore[AGM004, AGM006]``; ``# agno-migrate: ignore``
  without codes covers every rule on the line.
* ``# agno-migrate: ignore-file[AGM006]`` on a line of its own, anywhere in the
  file: AGM006 does not run on the file; ``ignore-file`` without codes: no rule
  does.

A suppression that suppressed nothing is reported (:data:`UNUSED_CODE`), so
stale ones do not pile up.  Comments are found with :mod:`tokenize` (a
``#`` inside a string is not a comment); this module needs no LibCST.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional

#: The code of the finding that reports a suppression comment that suppressed nothing.
UNUSED_CODE = "AGM101"
#: Every suppression comment contains this (the cheap test before tokenizing).
MARKER = "agno-migrate:"

_COMMENT = re.compile(r"#\s*agno-migrate:\s*(?P<kind>ignore-file|ignore)\b(?:\[(?P<codes>[^\]]*)\])?")
ALL: FrozenSet[str] = frozenset({"*"})


@dataclass
class Suppressions:
    """The suppression comments of one file."""

    #: line -> the codes it suppresses (:data:`ALL` for every rule).
    lines: Dict[int, FrozenSet[str]] = field(default_factory=dict)
    #: The rules that do not run on the file (:data:`ALL`: none runs), with the comment's line.
    file_codes: FrozenSet[str] = frozenset()
    file_line: int = 0

    def __bool__(self) -> bool:
        return bool(self.lines or self.file_codes)

    def covers_line(self, line: int, code: str) -> bool:
        codes = self.lines.get(line)
        return codes is not None and (codes == ALL or code in codes)

    def covers_file(self, code: str) -> bool:
        return self.file_codes == ALL or code in self.file_codes


def parse(source: bytes) -> Suppressions:
    """The suppressions in ``source`` (empty when it has none or cannot be tokenized)."""
    found = Suppressions()
    if MARKER.encode() not in source:
        return found
    try:
        tokens = list(tokenize.tokenize(io.BytesIO(source).readline))
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, LookupError):
        return found
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        match = _COMMENT.search(token.string)
        if match is None:
            continue
        raw = match.group("codes")
        codes = ALL if raw is None or not raw.strip() else frozenset(
            part.strip().upper() for part in raw.split(",") if part.strip())
        line = token.start[0]
        if match.group("kind") == "ignore-file":
            found.file_codes = ALL if codes == ALL or found.file_codes == ALL else found.file_codes | codes
            found.file_line = found.file_line or line
        else:
            found.lines[line] = codes if line not in found.lines else (
                ALL if ALL in (codes, found.lines[line]) else found.lines[line] | codes)
    return found


def describe(codes: FrozenSet[str]) -> str:
    return "every rule" if codes == ALL else ", ".join(sorted(codes))


def comment_for(codes: List[str]) -> str:
    return f"# agno-migrate: ignore[{', '.join(codes)}]"


def unused_message(kind: str, codes: FrozenSet[str]) -> str:
    spelled = "" if codes == ALL else f"[{', '.join(sorted(codes))}]"
    return f"unused suppression `# agno-migrate: {kind}{spelled}`: no finding of {describe(codes)} here; remove it"


def suppressed_fix_message(code: str, line: int) -> str:
    return (f"{code} not applied to this file: its fix at line {line} is suppressed "
            f"({comment_for([code])}); a rule's fixes in one file are made together")


def used_codes(lines: Dict[int, FrozenSet[str]], hits: Dict[int, set]) -> Optional[Dict[int, FrozenSet[str]]]:
    """The line suppressions that matched no finding (``hits``: line -> codes found there)."""
    unused = {line: codes for line, codes in lines.items()
              if not (hits.get(line) and (codes == ALL or codes & hits[line]))}
    return unused or None
