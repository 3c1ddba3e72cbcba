"""The Rich console of every command: full width when the output is not a terminal.

Rich lays tables out for 80 columns when stdout is a pipe or a file (or for ``COLUMNS``), and
cuts what does not fit with "…" — headers, case names, timestamps, race names — or folds them
mid-word. Output that is piped or saved is read whole (``| cat``, ``> file``, ``| grep``), so
when stdout is not a terminal the console is as wide as its longest line: tables take their
natural width and nothing is cut. On a terminal nothing changes.
"""

from __future__ import annotations

from rich.console import Console, ConsoleDimensions

__all__ = ["CliConsole", "PIPE_WIDTH"]

#: columns when stdout is not a terminal: wider than any table the commands print (no
#: renderable of the CLI expands to the console's width, so nothing is padded to it)
PIPE_WIDTH = 1000


class CliConsole(Console):
    """A :class:`rich.console.Console` that does not truncate or wrap when piped."""

    @property
    def size(self) -> ConsoleDimensions:
        dims = super().size
        if not self.is_terminal:
            return ConsoleDimensions(max(dims.width, PIPE_WIDTH), dims.height)
        return dims

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self._width, self._height = new_size
