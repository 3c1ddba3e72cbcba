"""Piped output is read whole: no table cut with "…" or folded mid-word at 80 columns."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _piped(*args: str) -> str:
    """Run ``paceline ARGS`` with stdout a pipe, as ``| cat`` does, in an 80-column shell."""
    env = {**os.environ, "COLUMNS": "80", "LINES": "24"}
    env.pop("FORCE_COLOR", None)
    env.pop("TTY_COMPATIBLE", None)
    r = subprocess.run([sys.executable, "-m", "paceline", *args], capture_output=True,
                       text=True, env=env, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize(("args", "whole"), [
    (("courses",), ["(paceline/data/courses/monza-2017.toml)", "source"]),
    (("formation", "calibrate"), ["sh2021-ahead-behind-1.0m", "held out"]),
    (("formation", "compare", "ineos-vienna-2019", "--scenario",
      "scenarios/vienna-2019.toml"), ["condition", "pos. error 0.3 m", "B moved"]),
    (("validate", "--draws", "0"), ["kipchoge-berlin-2015", "kiptum-valencia-2022"]),
])
def test_piped_tables_are_not_cut(args, whole):
    text = _piped(*args)
    assert "…" not in text
    for w in whole:
        assert w in text
    # every table row ends with its right border (nothing cut at column 80)
    rows = [ln for ln in text.splitlines() if ln.startswith("│")]
    assert rows and all(ln.rstrip().endswith("│") for ln in rows)
