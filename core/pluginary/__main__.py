"""``python -m pluginary`` runs the CLI."""

from .cli import main

main()
