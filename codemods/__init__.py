"""agno-migrate: LibCST codemods that migrate legacy agno 1.x async workflows."""

__version__ = "0.1.0"
