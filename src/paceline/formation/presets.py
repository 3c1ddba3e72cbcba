"""Formation presets: named pacer shapes kept as data in ``paceline/data/formations/<name>.toml``.

Each file lists its runners (the athlete first, at the origin) with positions in metres
relative to the athlete — x forward, y to the left — and documents its sources and every
assumed spacing::

    name = "single-pacer"            # must match the file name
    title = "..."                    # one line
    sources = ["..."]
    assumptions = ["..."]
    [[runner]]
    name = "athlete"
    x_m = 0.0
    y_m = 0.0
    [[runner]] ...

``single-file-N`` (N = 1…10) is generated: N pacers in a file ahead of the athlete, 1.0 m apart.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources

import numpy as np

from paceline.errors import InputFileError, ScenarioError
from paceline.models import drafting as dm

__all__ = ["Formation", "preset_names", "load_preset", "formation_from_positions"]

_SINGLE_FILE = re.compile(r"^single-file-(\d+)$")
SINGLE_FILE_SPACING_M = 1.0  # ASSUMED: Schickhofer & Hanson's 1.0 m case


@dataclass(frozen=True)
class Formation:
    """Runners' positions relative to the athlete (axis: runner; the athlete is runner 0)."""

    name: str
    title: str
    runner_names: tuple[str, ...]
    x_m: np.ndarray  # (n_runner,) forward [m]
    y_m: np.ndarray  # (n_runner,) to the left [m]
    sources: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()

    @property
    def n_pacers(self) -> int:
        return len(self.runner_names) - 1

    @property
    def pacer_positions_m(self) -> list[tuple[float, float]]:
        return [(float(x), float(y)) for x, y in zip(self.x_m[1:], self.y_m[1:], strict=True)]


def _data_dir():
    return resources.files("paceline").joinpath("data", "formations")


def preset_names() -> list[str]:
    """Names of the formation presets, sorted; ``single-file-N`` stands for N = 1…10."""
    names = [p.name[: -len(".toml")] for p in _data_dir().iterdir() if p.name.endswith(".toml")]
    return sorted(names + ["single-file-N"])


def load_preset(name: str) -> Formation:
    """A formation preset by name.

    Raises
    ------
    ScenarioError
        Unknown name (the message lists the valid ones) or N out of 1…10 in single-file-N.
    """
    m = _SINGLE_FILE.match(name)
    if m:
        n = int(m.group(1))
        if not 1 <= n <= 10:
            raise ScenarioError("single-file-N takes 1 to 10 pacers", where="formation",
                                value=name, valid="single-file-1 … single-file-10")
        x, y = dm.single_file_positions_m(n + 1, SINGLE_FILE_SPACING_M, athlete_index=n)
        return Formation(
            name=name,
            title=f"{n} pacer(s) in a single file ahead, {SINGLE_FILE_SPACING_M} m apart",
            runner_names=("athlete",) + tuple(f"pacer {k}" for k in range(1, n + 1)),
            x_m=x, y_m=y,
            sources=("Schickhofer & Hanson 2021 (1.0 m spacing case); Beaumont et al. 2021 "
                     "(single file of five)",),
            assumptions=(f"spacing {SINGLE_FILE_SPACING_M} m centre to centre, in line",),
        )
    path = _data_dir().joinpath(f"{name}.toml")
    if not path.is_file():
        from paceline.scenario import user_formation_file

        path = user_formation_file(name) or path
    if not path.is_file():
        from paceline.scenario import preset_suggestion

        hint = preset_suggestion(name)
        raise ScenarioError("unknown formation preset", where="formation", value=name,
                            valid=", ".join(preset_names()),
                            fix=(f"did you mean {hint}? Or " if hint else "")
                            + "pick one of these or give --positions")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        runners = data["runner"]
        f = Formation(
            name=data["name"], title=data["title"],
            runner_names=tuple(r["name"] for r in runners),
            x_m=np.array([float(r["x_m"]) for r in runners]),
            y_m=np.array([float(r["y_m"]) for r in runners]),
            sources=tuple(data["sources"]), assumptions=tuple(data["assumptions"]),
        )
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise InputFileError(f"malformed formation preset ({exc})", where=str(path)) from None
    if f.name != name or f.x_m[0] != 0.0 or f.y_m[0] != 0.0:
        raise InputFileError("preset name must match the file, the athlete first at (0, 0)",
                             where=str(path))
    return f


def formation_from_positions(positions, name: str = "custom", title: str = "") -> Formation:
    """A formation from pacers' (x_m, y_m) pairs; the athlete is added at the origin."""
    xy = np.asarray(positions, dtype=float).reshape(-1, 2)
    return Formation(
        name=name, title=title or f"{len(xy)} pacer(s) at given positions",
        runner_names=("athlete",) + tuple(f"pacer {k}" for k in range(1, len(xy) + 1)),
        x_m=np.concatenate([[0.0], xy[:, 0]]), y_m=np.concatenate([[0.0], xy[:, 1]]),
    )
