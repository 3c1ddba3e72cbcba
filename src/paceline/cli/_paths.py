"""One check of every output path the commands write (``--png``, ``--out``, ``--csv``, ``-o``).

Called at the top of a command, before any work, so that a path that cannot be written is
refused in a second with exit code 2 and the fix, not after the work with a traceback
(``IsADirectoryError``, ``FileNotFoundError``) or — worse — a file written somewhere else
(``--out /tmp`` wrote ``/tmp.png``):

* a folder where a file is expected → "is a folder; give a file name such as /tmp/pmc.png";
* a file in a folder that does not exist → the folder named, with ``mkdir -p FOLDER`` as the fix
  (no parent folder is created silently: a typo would become a tree of folders);
* a figure whose name does not end in ``.png`` → refused: every figure is written as PNG, and
  PNG data under ``x.jpg`` or ``x.txt`` is a file no program opens as the name says;
* a folder that cannot be written (permissions) → named.

:func:`writing` turns an ``OSError`` while writing (disk full, permission denied) into the
same kind of message. Cheap: imports only :mod:`pathlib` and :mod:`paceline.errors`.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from paceline.errors import InputFileError

__all__ = ["check_output_file", "check_output_folder", "writing", "FIGURE_SUFFIX"]

#: Every figure paceline writes is a PNG.
FIGURE_SUFFIX = ".png"


def _missing_folder(folder: Path, where: str, path: Path) -> InputFileError:
    return InputFileError(f"the folder {folder} does not exist", where=where, value=str(path),
                          fix=f"create it first (mkdir -p {shlex.quote(str(folder))}) or give "
                              "a path in a folder that exists")


def _check_parent(path: Path, where: str, what: str) -> None:
    parent = path.parent
    if parent.is_dir():
        if not os.access(parent, os.W_OK | os.X_OK):
            raise InputFileError(f"the folder {parent} is not writable", where=where,
                                 value=str(path), fix=f"give {what} in a folder you can write to")
        return
    # the nearest ancestor that exists: a file there ("README.md/x.png") or a missing folder
    for up in (parent, *parent.parents):
        if up.exists():
            if not up.is_dir():
                raise InputFileError(f"{up} is a file, not a folder", where=where,
                                     value=str(path), fix=f"give {what} in a folder")
            break
    raise _missing_folder(parent, where, path)


def check_output_file(path: Path | None, *, where: str, example: str,
                      figure: bool = False) -> None:
    """Refuse an output file path that cannot be written, before any work.

    Parameters
    ----------
    path : Path or None
        The path given (None: the option was not given; nothing to check).
    where : str
        The option, e.g. ``"--png"``.
    example : str
        A file name for the fix, e.g. ``"pmc.png"`` ("give a file name such as /tmp/pmc.png").
    figure : bool
        A figure: the name must end in ``.png`` (every figure is written as PNG).

    Raises
    ------
    paceline.errors.InputFileError
        The path is a folder, its folder does not exist or is not writable, or a figure's name
        does not end in ``.png`` (exit code 2 on the command line).
    """
    if path is None:
        return
    if path.is_dir():
        raise InputFileError(f"{path} is a folder, not a file", where=where,
                             fix=f"give a file name such as {path / example}")
    if figure and path.suffix.lower() != FIGURE_SUFFIX:
        fixed = path.with_suffix(FIGURE_SUFFIX) if path.suffix else \
            path.with_name(path.name + FIGURE_SUFFIX)
        raise InputFileError(
            "figures are written as PNG, so the file name must end in .png"
            + (f" (not {path.suffix})" if path.suffix else ""), where=where, value=str(path),
            fix=f"{where} {fixed}")
    _check_parent(path, where, "a file name")


def check_output_folder(path: Path, *, where: str) -> None:
    """Refuse an output *folder* path that cannot be made: a file of that name, or a parent
    folder that does not exist (the folder itself may be new: it is created; its parents are
    not, so a typo does not become a tree of folders).

    Raises
    ------
    paceline.errors.InputFileError
        As above (exit code 2 on the command line).
    """
    if path.exists() and not path.is_dir():
        raise InputFileError(f"{path} is a file, not a folder", where=where,
                             fix="give a folder: a new one (it is created) or an empty one")
    if not path.exists():
        _check_parent(path, where, "the folder")


@contextmanager
def writing(path: Path, *, where: str) -> Iterator[None]:
    """Turn an ``OSError`` raised while writing ``path`` (permission denied, disk full, a
    folder in the way) into an :class:`~paceline.errors.InputFileError` naming the option."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputFileError(f"cannot write {path}: {reason}", where=where,
                             fix="give a path you can write to (check permissions and free "
                                 "space)") from None
