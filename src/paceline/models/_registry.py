"""Named-model registries (DESIGN.md rule 1): one lookup for every ``get_*_model``."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def names_default_first(registry: dict[str, object], default: str) -> list[str]:
    """A registry's names, the default first, the rest sorted."""
    return [default] + sorted(k for k in registry if k != default)


def lookup(registry: dict[str, T], name_or_model: str | T | None, *, default: str,
           kind: type, what: str) -> T:
    """The model named ``name_or_model`` (None → ``default``); an instance of ``kind`` passes
    through.

    Raises
    ------
    KeyError
        For an unknown name; the message names ``what`` and lists the valid names, the
        default first.
    """
    if name_or_model is None:
        return registry[default]
    if isinstance(name_or_model, kind):
        return name_or_model
    try:
        return registry[name_or_model]
    except (KeyError, TypeError):
        raise KeyError(f"unknown {what} {name_or_model!r}; valid: "
                       + ", ".join(names_default_first(registry, default))) from None
