"""paceline — race engineering for paced record attempts in distance running.

The public API is small; everything else is private and may change::

    from paceline import read_scenario, load_courses, RaceModel
    sc = read_scenario("scenarios/vienna-2019.toml")
    course, ref_course = load_courses(sc, "scenarios")
    result = RaceModel(sc, course, ref_course).solve()
    result.finish_time_s, result.splits(5000.0)
"""

from paceline.course import Course, preset, preset_names
from paceline.errors import PacelineError
from paceline.io.scenario_file import load_courses, read_scenario
from paceline.scenario import Scenario, scenario_from_dict
from paceline.sim import MonteCarlo, RaceModel, RaceResult, whatif

__version__ = "0.1.0"
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
