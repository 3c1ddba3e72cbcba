"""Examples run. (README's predicted-vs-actual table is `paceline validate`'s output, tested in
tests/sim/test_validation.py.)"""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_example(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_leave_one_out_example_runs():
    # README's predicted-vs-actual table is now `paceline validate` (tests/sim/test_validation);
    # the example still runs and gives the six pairs of the three bundled races.
    rows = load_example("leave_one_out").leave_one_out()
    assert len(rows) == 6
    for r in rows:
        assert r["error_s"] == pytest.approx(r["predicted_s"] - r["actual_s"])
        assert abs(r["error_s"]) < 600
