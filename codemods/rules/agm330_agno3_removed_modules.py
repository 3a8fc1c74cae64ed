"""AGM330 agno3-removed-modules: imports of agno 1.x packages agno 3 redesigned or removed (report only)."""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from codemods import agno3_names as names
from codemods.rules.agm31_agno3_support import Agno3Rule


class Agno3RemovedModules(Agno3Rule):
    """Report imports of agno 1.x modules that agno 3 no longer has, with what to do instead.

    ## What it does
    Reports ``[left alone]`` every import from a module listed in the module
    table of ``codemods/agno3_names.py`` (docs/agno3.md): the 1.x knowledge
    bases (``agno.knowledge.pdf``, ``agno.knowledge.agent``...), the 1.x
    memory (``agno.memory.v2``, ``agno.memory.agent``...), ``agno.document``,
    ``agno.embedder``, ``agno.reranker``, ``Playground``/``agno.app`` and the
    1.8 Workflows 2.0 preview ``agno.workflow.v2``.  Each finding names the
    agno 3 replacement and the manual steps.

    ## Why is this bad
    The import fails on agno 3.1.10 (``ModuleNotFoundError``), and the
    replacement is a different API, not a rename: ``Knowledge`` with
    ``insert()`` instead of a ``*KnowledgeBase`` with ``load()``, ``db=`` plus
    ``update_memory_on_run=True`` instead of ``Memory(...)``, ``AgentOS``
    instead of ``Playground``.  Knowledge vector tables and stored memories
    need agno's database migrations.

    ## Example
    ```python
    from agno.knowledge.pdf import PDFKnowledgeBase
    ```
    is reported: ``agno 3 redesigned knowledge: build Knowledge(...) ...``.

    ## Fix safety
    Report only: the new APIs need decisions (vector store, contents db,
    memory model) that a codemod cannot make.

    ## Left alone
    Everything.  Modules that exist in both versions (``agno.knowledge.knowledge``,
    ``agno.memory.manager``, ``agno.vectordb``) are not reported.
    """

    code = "AGM330"
    name = "agno3-removed-modules"
    summary = "imports of agno 1.x knowledge/memory/document/app modules agno 3 removed: reported with the replacement"

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        self._check(node, get_full_name_for_node(node.module) or "")

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self._check(node, get_full_name_for_node(alias.name) or "")

    def _check(self, node: cst.CSTNode, module: str) -> None:
        note = names.module_note(module)
        if note is not None:
            self.report(node, f"import from {module} left alone: {note.manual}", fixed=False)
