"""One help style for every ``paceline`` command (set once on the root app, inherited by all).

* Plain Click help, not Rich markup: Rich reads "[m/s]" or "[deg]" as a style tag and drops it,
  and its panels cut long help with "…" when the output is piped at 80 columns.
* Command lists show each command's whole first sentence, wrapped, where Click would cut it to
  the width left with "...".

The root group also loads each command group's module (``paceline.cli.log``, ``…crew``, …) only
when that group runs or help lists it (:class:`LazyCommands`, Click's "lazy group" pattern): a
command then pays for the libraries it uses, not for every other command's (``paceline log
fitness`` no longer imports OR-Tools' crew model, the formation optimizer or the weather readers).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, MutableMapping
from pathlib import Path

from typer import _click
from typer._click import _textwrap
from typer._click.formatting import HelpFormatter
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

Context = _click.Context
TextWrapper = _textwrap.TextWrapper

__all__ = ["HelpGroup", "LazyCommands", "first_sentence", "check_draws"]


def check_draws(draws: int, *, lo: int, hi: int, what: str = "Monte Carlo draws") -> int:
    """Refuse a ``--draws`` outside lo–hi with a message naming the option, the value, the
    range and the fix (exit 2 through :class:`paceline.errors.UnitError`)."""
    from paceline.errors import UnitError

    if lo <= draws <= hi:
        return draws
    raise UnitError(f"{what} must be between {lo:,} and {hi:,}", where="--draws",
                    value=draws, valid=f"{lo:,}–{hi:,}",
                    fix=(f"use --draws {lo:,} or more" if draws < lo else
                         f"use --draws {hi:,} or fewer (more draws change the percentiles "
                         "by less than the band's own sampling noise)"))


def first_sentence(text: str | None) -> str:
    """The first sentence of a help text's first paragraph, whitespace collapsed."""
    if not text:
        return ""
    para = " ".join(text.strip().split("\n\n")[0].split())
    m = re.search(r"(?<=[.!?])\s", para)
    return para[: m.start()] if m else para


def _whole_short_help(command) -> None:
    """Set ``short_help`` on a command and everything under it (Typer's vendored Click
    commands: duck-typed), and give each the one help style of :func:`_tidy`."""
    if not command.short_help and command.help:
        command.short_help = first_sentence(command.help)
    _tidy(command)
    for sub in (getattr(command, "commands", None) or {}).values():
        _whole_short_help(sub)


# --------------------------------------------------------------------------------------------
# one help style: arguments as NAME (Click's convention), one value type per option, no
# option name broken at its hyphen
# --------------------------------------------------------------------------------------------
class _PlainArgument(TyperArgument):
    """An argument shown as Click shows it: ``SCENARIO`` in the usage line (``[DIRECTORY]``
    when optional, ``PATHS...`` when it takes many) and in the Arguments list — not Typer's
    ``{scenario}`` and ``scenario <path>``."""

    def _label(self) -> str:
        return (self.metavar or self.name or "").upper()

    def _usage_display_name(self) -> str:
        name = self._label() if self.required else f"[{self._label()}]"
        return name + ("..." if self.nargs != 1 else "")

    def get_help_record(self, ctx):
        rec = super().get_help_record(ctx)
        if rec is None:
            return None
        return self._label() + ("..." if self.nargs != 1 else ""), rec[1]


class _PlainOption(TyperOption):
    """An option taking a list shows its element's type (``--set <str>``, given once per
    value), not ``<list[str]>``."""

    def display_type(self, ctx) -> str:
        desc = self.type_descriptor
        if desc.is_list and not desc.is_choice:
            import typing

            args = typing.get_args(desc.annotation)
            if len(args) == 1 and isinstance(args[0], type):
                return f"<{'path' if issubclass(args[0], Path) else args[0].__name__}>"
        return super().display_type(ctx)


class _NoHyphenBreaks(TextWrapper):
    """Help text wrapped between words only: "--ssl-keyfile" is not cut after "--ssl-"."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["break_on_hyphens"] = False
        super().__init__(*args, **kwargs)


class _HelpFormatter(HelpFormatter):
    """Click's formatter, wrapping with :class:`_NoHyphenBreaks` (swapped in only while it
    writes, so nothing else in the process is affected)."""

    def _plain(self, method, *args, **kwargs):
        saved = _textwrap.TextWrapper
        _textwrap.TextWrapper = _NoHyphenBreaks
        try:
            return method(*args, **kwargs)
        finally:
            _textwrap.TextWrapper = saved

    def write_text(self, text: str) -> None:
        self._plain(super().write_text, text)

    def write_dl(self, rows, *args, **kwargs) -> None:
        self._plain(super().write_dl, rows, *args, **kwargs)


class _Context(Context):
    formatter_class = _HelpFormatter


def _tidy(command) -> None:
    """One help style on a command: :class:`_PlainArgument`, :class:`_PlainOption`,
    :class:`_HelpFormatter` (classes swapped in place: Typer builds the parameters)."""
    if isinstance(command, TyperGroup | TyperCommand) or hasattr(command, "params"):
        if getattr(command, "context_class", Context) is Context:
            command.context_class = _Context
    for param in getattr(command, "params", ()):
        if type(param) is TyperArgument:
            param.__class__ = _PlainArgument
        elif type(param) is TyperOption:
            param.__class__ = _PlainOption


def _load(name: str, target: str, *, rich_markup_mode, suggest_commands: bool):
    """The Click command of ``"module:attr"`` — a Typer app (a group) or a function (one
    command) — built with the root's help settings, as ``app.add_typer``/``app.command`` would."""
    import typer
    import typer.main
    from typer.models import CommandInfo, TyperInfo

    module, attr = target.split(":")
    obj = getattr(importlib.import_module(module), attr)
    if isinstance(obj, typer.Typer):
        cmd = typer.main.get_group_from_info(
            TyperInfo(obj, name=name), pretty_exceptions_short=obj.pretty_exceptions_short,
            rich_markup_mode=rich_markup_mode, suggest_commands=suggest_commands)
    else:
        cmd = typer.main.get_command_from_info(
            CommandInfo(name=name, callback=obj), pretty_exceptions_short=True,
            rich_markup_mode=rich_markup_mode)
    _whole_short_help(cmd)
    return cmd


class LazyCommands(MutableMapping):
    """A group's ``commands`` mapping whose lazy entries are built on first access.

    Parameters
    ----------
    loaded : mapping of str to click.Command
        Commands built already (the root's own), first in the listing.
    lazy : mapping of str to str
        Command name → ``"module:attr"`` (a Typer app or a command function), in listing order.
    **settings
        ``rich_markup_mode`` and ``suggest_commands`` of the root, passed on.
    """

    def __init__(self, loaded, lazy, **settings) -> None:
        self._loaded = dict(loaded)
        self._lazy = {k: v for k, v in lazy.items() if k not in self._loaded}
        self._settings = settings

    def __getitem__(self, name: str):
        if name not in self._loaded:
            target = self._lazy.pop(name)  # KeyError for an unknown name, as a dict
            self._loaded[name] = _load(name, target, **self._settings)
        return self._loaded[name]

    def __setitem__(self, name: str, cmd) -> None:
        self._lazy.pop(name, None)
        self._loaded[name] = cmd

    def __delitem__(self, name: str) -> None:
        if name in self._lazy:
            del self._lazy[name]
        else:
            del self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        yield from list(self._loaded)
        yield from list(self._lazy)

    def __len__(self) -> int:
        return len(self._loaded) + len(self._lazy)

    def __contains__(self, name: object) -> bool:
        return name in self._loaded or name in self._lazy


class HelpGroup(TyperGroup):
    """The root group: gives every command below it an uncut one-line summary, and loads the
    command groups named in :attr:`lazy` on first use."""

    #: command name → ``"module:attr"`` of a Typer app or a command function (set by a subclass)
    lazy: dict[str, str] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for sub in self.commands.values():
            _whole_short_help(sub)
        if self.lazy:
            self.commands = LazyCommands(self.commands, self.lazy,
                                         rich_markup_mode=self.rich_markup_mode,
                                         suggest_commands=self.suggest_commands)

    def list_commands(self, ctx) -> list[str]:
        """The names, in order, without loading any group."""
        return list(self.commands)
