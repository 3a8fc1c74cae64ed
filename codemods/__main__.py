"""``python -m codemods`` runs the agno-migrate CLI."""

from codemods.cli import main

main()
