"""`paceline formation ...` commands (in progress)."""

import typer

app = typer.Typer(help="formation commands.", no_args_is_help=True)
