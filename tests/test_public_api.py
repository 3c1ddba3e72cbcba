import paceline


def test_public_api_is_small_and_stable():
    # Adding to the public API is a decision: update this list on purpose.
    assert sorted(paceline.__all__) == sorted([
        "__version__", "Course", "preset", "preset_names", "PacelineError", "read_scenario",
        "load_courses", "Scenario", "scenario_from_dict", "RaceModel", "RaceResult",
        "MonteCarlo", "whatif",
    ])
    for name in paceline.__all__:
        assert hasattr(paceline, name)


def test_docstring_example_runs(scenarios_dir):
    sc = paceline.read_scenario(scenarios_dir / "vienna-2019.toml")
    course, ref = paceline.load_courses(sc, scenarios_dir)
    r = paceline.RaceModel(sc, course, ref).solve()
    assert r.splits(5000.0)[-1][1] == r.finish_time_s
