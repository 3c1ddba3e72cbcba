"""A command imports what it uses, not every other command's libraries (issue 14 item 8:
`paceline log fitness` spent most of its time importing the scenario model, the crew solver and
matplotlib). Checked on the modules a fresh process has loaded, not on timings (those are
benchmarks/bench_log_fitness.py's)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"

PROBE = """
import json, sys
from paceline.cli.app import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
heavy = ("matplotlib", "paceline.scenario", "paceline.sim", "paceline.crew",
         "ortools", "pandas", "paceline.formation", "scipy", "sqlalchemy.orm", "alembic",
         "paceline.store.importer")
print(json.dumps([m for m in heavy if m in sys.modules]))
"""


def _loaded(args: list[str]) -> list[str]:
    r = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                       check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_log_fitness_text_loads_no_scenario_model_solver_or_plotting(tmp_path):
    """Nor the ORM: the log is read with SQLAlchemy Core (paceline.store.tables)."""
    from paceline.store import TrainingLog, import_paths

    db = f"sqlite:///{tmp_path / 'log.sqlite'}"
    with TrainingLog(db) as lg:
        import_paths(lg, [DATA / "fit" / "run" / "activity-small-fenix2-run.fit"], workers=1)
    assert _loaded(["log", "fitness", "--db", db]) == []
    assert _loaded(["log", "fitness", "--db", db, "--out", str(tmp_path / "p.png")]) == [
        "matplotlib"]


@pytest.mark.parametrize("group", ["log", "crew", "formation", "weather", "live"])
def test_a_group_help_loads_only_its_own_module(group):
    loaded = _loaded([group, "--help"])
    assert "matplotlib" not in loaded and "ortools" not in loaded


def test_paceline_package_names_load_on_use():
    code = ("import sys, paceline; a = 'paceline.sim' in sys.modules; "
            "paceline.RaceModel; print(a, 'paceline.sim' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.split() == ["False", "True"]
