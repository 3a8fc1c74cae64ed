"""Lines of Python source, and where each line of a rewritten text came from.

One implementation for the engine, which reports a later rule's finding on
the line of the *original* file, and for the review, which marks each
changed line with the rules that wrote it (:mod:`codemods.reports.review`).
No LibCST here.
"""

from __future__ import annotations

import difflib
import io
from typing import Dict, List, Optional, Sequence, Set, Tuple


def source_lines(text: str, keepends: bool = False) -> List[str]:
    """Split on ``\\n``, ``\\r\\n`` and ``\\r`` only, as Python's tokenizer (and so LibCST
    and :mod:`ast`) count lines; ``str.splitlines`` also splits on form feeds,
    ``\\x1c``-``\\x1e``, ``\\x85``, U+2028 and U+2029, which may sit in a comment or a string."""
    lines = io.StringIO(text, newline="").readlines()
    return lines if keepends else [line.rstrip("\r\n") for line in lines]


class LineMap:
    """The lines of a text rewritten step by step, each traced back to the original text.

    Per current line (0-based lists): ``anchors``, the original line a reader
    should look at (the line itself or, for a line a step inserted, the
    nearest preceding original line: the first line at the top);
    ``origins``, the original line it is an edit of (None for an inserted
    line); ``written_by``, the rules that wrote it, in order.  Per original
    line, ``changed_by``: the rules that changed it (the last one removed or
    last rewrote it).  Per rule, ``touched``: the original lines its rewrite
    touched; an insertion counts for the lines around it.
    """

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines: List[str] = list(lines)
        self.anchors: List[int] = list(range(1, len(self.lines) + 1))
        self.origins: List[Optional[int]] = list(self.anchors)
        self.written_by: List[Tuple[str, ...]] = [()] * len(self.lines)
        self.changed_by: Dict[int, Tuple[str, ...]] = {}
        self.touched: Dict[str, Set[int]] = {}

    def original(self, line: int) -> int:
        """The original line for 1-based ``line`` of the current text (clamped to the text)."""
        if not self.anchors:
            return 0
        return self.anchors[min(max(line, 1), len(self.anchors)) - 1]

    def advance(self, new_lines: Sequence[str], rule: str) -> None:
        """``rule`` rewrote the current lines into ``new_lines``: trace those through a line diff.

        A line in the same position of a replaced block is an edit of the old
        line; the lines beyond it were inserted.
        """
        anchors: List[int] = []
        origins: List[Optional[int]] = []
        written_by: List[Tuple[str, ...]] = []
        touched = self.touched.setdefault(rule, set())
        matcher = difflib.SequenceMatcher(None, self.lines, list(new_lines), autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                anchors += self.anchors[i1:i2]
                origins += self.origins[i1:i2]
                written_by += self.written_by[i1:i2]
                continue
            before = self.anchors[i1 - 1] if i1 > 0 else 0
            after = self.anchors[i2] if i2 < len(self.anchors) else (self.anchors[-1] + 1 if self.anchors else 1)
            touched.update(self.anchors[i1:i2])
            if j2 - j1 > i2 - i1:  # lines inserted
                touched.update({before, after} - {0})
            for index in range(i1, i2):
                origin = self.origins[index]
                if origin is not None:
                    self.changed_by[origin] = self.written_by[index] + (rule,)
            for offset in range(j2 - j1):
                if i1 + offset < i2:  # an edit of the old line at the same position
                    anchors.append(self.anchors[i1 + offset])
                    origins.append(self.origins[i1 + offset])
                    written_by.append(self.written_by[i1 + offset] + (rule,))
                else:
                    anchors.append(before or (self.anchors[0] if self.anchors else 1))
                    origins.append(None)
                    written_by.append((rule,))
        self.lines = list(new_lines)
        self.anchors, self.origins, self.written_by = anchors, origins, written_by
