"""One exception tree for paceline.

Every error raised for bad input says *what* is wrong, *where* (the key, file or field),
the value given, what is valid, and how to fix it. The command line maps
:class:`PacelineError` to exit code 2 and prints the message without a traceback.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "PacelineError",
    "ScenarioError",
    "InputFileError",
    "CourseError",
    "ImpossibleScenarioError",
    "UnitError",
]


class PacelineError(Exception):
    """Base class of every error paceline raises on purpose for bad input."""

    def __init__(
        self,
        message: str,
        *,
        where: str | None = None,
        value: Any = None,
        valid: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.where = where
        self.value = value
        self.valid = valid
        self.fix = fix
        parts = []
        if where:
            parts.append(f"{where}: {message}")
        else:
            parts.append(message)
        if value is not None:
            parts.append(f"(got {value!r})")
        text = " ".join(parts)

        def sep(t: str) -> str:
            return " " if t.endswith((".", "?", "!")) else ". "

        if valid:
            text += f"{sep(text)}Valid: {valid}"
        if fix:
            text += f"{sep(text)}Fix: {fix}"
        super().__init__(text)


class UnitError(PacelineError, ValueError):
    """A value written in a human form (time, pace, distance, wind) could not be read."""


class ScenarioError(PacelineError, ValueError):
    """A scenario file or override is missing a key, has an unknown key or a bad value."""


class InputFileError(PacelineError, ValueError):
    """A file (GPX, TOML, ...) is missing, unreadable or malformed."""


class CourseError(PacelineError, ValueError):
    """A course cannot be built (unknown preset, too few points, ...)."""


class ImpossibleScenarioError(PacelineError, ValueError):
    """The scenario is well formed but has no physical solution (e.g. an impossible target)."""
