"""The ``paceline`` command line (Typer + Rich). Parses, calls, renders; no physics here."""

from paceline.cli.app import app, main

__all__ = ["app", "main"]
