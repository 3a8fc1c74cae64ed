"""AGM315 agno3-event-values: agno 1.x event names in comparisons -> agno 3's."""

from __future__ import annotations

from typing import Dict, Optional

import libcst as cst

from codemods import agno3_names as names
from codemods.rules.agm31_agno3_support import Agno3Rule


class Agno3EventValues(Agno3Rule):
    """Rename agno 1.x's content event values and members to agno 3's (``"RunResponseContent"`` -> ``"RunContent"``).

    ## What it does
    * ``RunEvent.run_response_content`` -> ``RunEvent.run_content`` and
      ``run_intermediate_response_content`` -> ``run_intermediate_content``,
      on agno 3's ``RunEvent`` and ``TeamRunEvent`` (as AGM310 leaves the
      imports);
    * the string values ``"RunResponseContent"``,
      ``"RunIntermediateResponseContent"``, ``"TeamRunResponseContent"`` and
      ``"TeamRunIntermediateResponseContent"`` -> ``"RunContent"``... where
      the string is compared with an ``.event`` attribute
      (``chunk.event == "RunResponseContent"``, ``chunk.event in (...)``, a
      ``match chunk.event:`` case).

    ## Why is this bad
    agno 3 renamed the content events.  A 1.x comparison is still valid
    Python and silently never matches: the loop that collected the streamed
    text collects nothing.  The enum members raise ``AttributeError``.

    ## Example
    ```python
    if chunk.event == "RunResponseContent":
        text += chunk.content
    ```
    becomes
    ```python
    if chunk.event == "RunContent":
        text += chunk.content
    ```

    ## Fix safety
    Only the event values agno 3 renamed are changed (every other 1.x value
    exists unchanged in agno 3: tests/test_agno3_names.py checks each
    member), and a string only where it is compared with an ``.event``.  The
    quotes and prefix of the string are kept.

    ## Left alone
    * such a string anywhere else (a dict key, a constant, a comparison with
      a variable): reported, change it by hand if it names an event;
    * f-strings, bytes and implicitly concatenated strings;
    * the 1.x enums when AGM310 did not rename their import (they keep the
      1.x member names).
    """

    code = "AGM315"
    name = "agno3-event-values"
    summary = ('event values renamed in agno 3: "RunResponseContent" -> "RunContent", '
               "RunEvent.run_response_content -> run_content")
    triggers = ("ResponseContent", "response_content")

    def __init__(self, context) -> None:
        super().__init__(context)
        self._members = names.event_member_renames()
        self._values = names.event_value_renames()
        self._strings: Dict[cst.SimpleString, str] = {}
        self._attributes: Dict[cst.Attribute, str] = {}

    def visit_Attribute(self, node: cst.Attribute) -> None:
        member = node.attr.value
        for qualified in self.qualified(node.value):
            new = self._members.get(qualified, {}).get(member)
            if new:
                self._attributes[node] = new
                self.report(node, f"{qualified.rsplit('.', 1)[1]}.{member} -> {new}")
                return

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = node.evaluated_value
        if not isinstance(value, str) or value not in self._values:
            return
        new = self._values[value]
        if "b" in node.prefix.lower() or isinstance(self.parent(node), cst.ConcatenatedString):
            self.report(node, f'"{value}" left alone: agno 3 calls this event "{new}"; change it by hand',
                        fixed=False)
            return
        if not self._compared_with_event(node):
            self.report(node, f'"{value}" left alone: it is agno 1.x\'s event value (agno 3: "{new}") but is not '
                        "compared with an .event here; change it by hand if it names an event", fixed=False)
            return
        self._strings[node] = new
        self.report(node, f'"{value}" -> "{new}"')

    def _compared_with_event(self, node: cst.SimpleString) -> bool:
        child: cst.CSTNode = node
        parent = self.parent(node)
        if isinstance(parent, cst.Element):
            container = self.parent(parent)
            if isinstance(container, (cst.Tuple, cst.List, cst.Set)):
                child, parent = container, self.parent(container)
        if isinstance(parent, cst.ComparisonTarget):
            comparison = self.parent(parent)
        elif isinstance(parent, cst.Comparison) and parent.left is child:
            comparison = parent
        elif isinstance(parent, cst.MatchValue):
            return self._match_subject_is_event(parent)
        else:
            return False
        if not isinstance(comparison, cst.Comparison):
            return False
        operands = [comparison.left] + [target.comparator for target in comparison.comparisons]
        return any(_is_event_attribute(operand) for operand in operands if operand is not child)

    def _match_subject_is_event(self, node: cst.CSTNode) -> bool:
        current: Optional[cst.CSTNode] = node
        while current is not None and not isinstance(current, cst.Match):
            current = self.parent(current)
        return isinstance(current, cst.Match) and _is_event_attribute(current.subject)

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.SimpleString:
        new = self._strings.get(original_node)
        if new is None:
            return updated_node
        return updated_node.with_changes(value=f"{updated_node.prefix}{updated_node.quote}{new}{updated_node.quote}")

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.Attribute:
        new = self._attributes.get(original_node)
        if new is None:
            return updated_node
        return updated_node.with_changes(attr=cst.Name(new))


def _is_event_attribute(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Attribute) and node.attr.value == "event"
