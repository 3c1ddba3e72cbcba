import pytest

from paceline.crew import CourseConditions, CrewProblem, Pacer, PersonalBest, get_crew_formation


def make_pacer(name, t5, t10, mass=58.0, height=1.72, **kw):
    return Pacer(name, (PersonalBest(5000.0, t5), PersonalBest(10000.0, t10)), mass, height,
                 **kw)


@pytest.fixture
def small_problem():
    """12 pacers, Vienna formation, 10 km at 2:50/km, exchanges every 2.5 km (flat, still)."""
    pacers = [make_pacer(f"P{i:02d}", 770 + 4 * i, 1610 + 9 * i, max_stints=3) for i in range(12)]
    return CrewProblem(pacers=tuple(pacers), formation=get_crew_formation("vienna-2019"),
                       speed_m_s=1000 / 170, conditions=CourseConditions.flat(10000.0, 1.2, 10.0),
                       exchange_points_m=(2500.0, 5000.0, 7500.0), safety_margin_frac=0.1)
