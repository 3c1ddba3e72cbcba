"""Examples run, and README's leave-one-out table is what the model computes today."""

import importlib.util
import re
from pathlib import Path

import pytest

from paceline.units import parse_duration_s

ROOT = Path(__file__).resolve().parents[1]


def load_example(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_leave_one_out_matches_readme_table():
    rows = load_example("leave_one_out").leave_one_out()
    assert len(rows) == 6
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = {}
    for m in re.finditer(r"^\| (\S+) \| (\S+) \| ([\d:.]+) \| ([\d:.]+) \|", readme, re.M):
        table[(m.group(1), m.group(2))] = parse_duration_s(m.group(3))
    for r in rows:
        key = (r["calibrated_on"], r["predicted"])
        assert key in table, f"README lacks the row {key}"
        # README prints tenths of a second
        assert r["predicted_s"] == pytest.approx(table[key], abs=0.06), key
