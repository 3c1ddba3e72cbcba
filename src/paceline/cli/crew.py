"""`paceline crew ...` commands (in progress)."""

import typer

app = typer.Typer(help="crew commands.", no_args_is_help=True)
