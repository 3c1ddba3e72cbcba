"""One help style for every ``paceline`` command (set once on the root app, inherited by all).

* Plain Click help, not Rich markup: Rich reads "[m/s]" or "[deg]" as a style tag and drops it,
  and its panels cut long help with "…" when the output is piped at 80 columns.
* Command lists show each command's whole first sentence, wrapped, where Click would cut it to
  the width left with "...".
"""

from __future__ import annotations

import re

from typer.core import TyperGroup

__all__ = ["HelpGroup", "first_sentence"]


def first_sentence(text: str | None) -> str:
    """The first sentence of a help text's first paragraph, whitespace collapsed."""
    if not text:
        return ""
    para = " ".join(text.strip().split("\n\n")[0].split())
    m = re.search(r"(?<=[.!?])\s", para)
    return para[: m.start()] if m else para


def _whole_short_help(command) -> None:
    """Set ``short_help`` on a command and everything under it (Typer's vendored Click
    commands: duck-typed)."""
    if not command.short_help and command.help:
        command.short_help = first_sentence(command.help)
    for sub in (getattr(command, "commands", None) or {}).values():
        _whole_short_help(sub)


class HelpGroup(TyperGroup):
    """The root group: gives every command below it an uncut one-line summary."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for sub in self.commands.values():
            _whole_short_help(sub)
