"""The Rich console of every command: full width when the output is not a terminal.

Rich lays tables out for 80 columns when stdout is a pipe or a file (or for ``COLUMNS``), and
cuts what does not fit with "…" — headers, case names, timestamps, race names — or folds them
mid-word. Output that is piped or saved is read whole (``| cat``, ``> file``, ``| grep``), so
when stdout is not a terminal the console is as wide as its longest line: tables take their
natural width and nothing is cut. On a terminal nothing changes.
"""

from __future__ import annotations

from rich.console import Console, ConsoleDimensions

__all__ = ["CliConsole", "PIPE_WIDTH", "progress_console", "json_text"]

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


def progress_console() -> Console:
    """The stderr console of a progress bar: silent when stderr is not a terminal.

    A transient bar on a pipe or a file draws nothing useful and leaves a blank line, so an
    error that follows it started with an empty line (issue 14 review); on a terminal nothing
    changes.
    """
    import sys

    return Console(stderr=True, quiet=not sys.stderr.isatty())


def _clean(value, digits: int):
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return value
        if abs(value) < 1e-9:
            return 0.0  # 1.8e-16 m/s is rounding noise of a zero
        return float(f"{value:.{digits}g}")
    if isinstance(value, dict):
        return {k: _clean(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v, digits) for v in value]
    return value


def json_text(obj, *, digits: int = 10, **kwargs) -> str:
    """``json.dumps`` of a command's ``--json`` output without float noise: floats to
    ``digits`` significant digits (390.65599999999995 → 390.656) and |x| < 1e-9 → 0.0
    (a head wind of 1.8e-16 m/s). Keyword arguments go to :func:`json.dumps`."""
    import json

    return json.dumps(_clean(obj, digits), **kwargs)
