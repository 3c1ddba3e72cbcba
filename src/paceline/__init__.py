"""paceline — race engineering for paced record attempts in distance running.

The public API is small; everything else is private and may change::

    from paceline import read_scenario, load_courses, RaceModel
    sc = read_scenario("scenarios/vienna-2019.toml")
    course, ref_course = load_courses(sc, "scenarios")
    result = RaceModel(sc, course, ref_course).solve()
    result.finish_time_s, result.splits(5000.0)

The names load on first use (PEP 562): importing any part of paceline (the command line, the
training log) does not pay for the scenario model, the course readers and the simulator
(~0.3 s of CPU) unless it uses them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: public name → the module that defines it
_LAZY = {
    "Course": "paceline.course",
    "preset": "paceline.course",
    "preset_names": "paceline.course",
    "PacelineError": "paceline.errors",
    "read_scenario": "paceline.io.scenario_file",
    "load_courses": "paceline.io.scenario_file",
    "Scenario": "paceline.scenario",
    "scenario_from_dict": "paceline.scenario",
    "RaceModel": "paceline.sim",
    "RaceResult": "paceline.sim",
    "MonteCarlo": "paceline.sim",
    "whatif": "paceline.sim",
}

__all__ = [
    "__version__",
    "Course",
    "preset",
    "preset_names",
    "PacelineError",
    "read_scenario",
    "load_courses",
    "Scenario",
    "scenario_from_dict",
    "RaceModel",
    "RaceResult",
    "MonteCarlo",
    "whatif",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from paceline.course import Course, preset, preset_names
    from paceline.errors import PacelineError
    from paceline.io.scenario_file import load_courses, read_scenario
    from paceline.scenario import Scenario, scenario_from_dict
    from paceline.sim import MonteCarlo, RaceModel, RaceResult, whatif


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'paceline' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
