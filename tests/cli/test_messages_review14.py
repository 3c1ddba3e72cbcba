"""Issue 14 fresh-user review (findings 5, 6, 8, 9): bad input is refused with exit 2, naming
the field, the value in the user's units, what is valid and one fix."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VIENNA = str(ROOT / "scenarios" / "vienna-2019.toml")


def run(*args):
    """(exit code, stdout + stderr) of ``python -m paceline ARGS`` (main() maps errors to 2)."""
    res = subprocess.run([sys.executable, "-m", "paceline", *map(str, args)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    return res.returncode, res.stderr + res.stdout


def one_fix(text: str) -> None:
    assert text.count("Fix:") == 1, text
    assert not text.startswith("\n"), repr(text[:20])


# -- finding 5: a folder given for a file says it is a folder --------------------------------
def test_a_folder_given_as_venue_or_athlete_file_says_so(tmp_path):
    code, text = run("venue", ROOT / "scenarios")
    assert code == 2 and "is a directory, not a venue file" in text
    assert "venue-sub2.toml" in text and "vienna-2019.toml" not in text
    one_fix(text)
    code, text = run("predict", VIENNA, "--athlete", tmp_path)
    assert code == 2 and "is a directory, not an athlete file" in text
    assert "not found" not in text
    one_fix(text)


# -- finding 8: a TOML that is not a scenario says what it looks like, in one line -------------
def test_a_toml_that_is_not_a_scenario_says_what_it_is():
    code, text = run("predict", ROOT / "pyproject.toml")
    assert code == 2
    assert "not a scenario" in text and "Python project file" in text
    assert "setuptools" not in text and len(text) < 400, text  # nothing of its contents
    code, text = run("predict", ROOT / "scenarios" / "venue-sub2.toml")
    assert code == 2 and "looks like a venue file" in text and "1:59:59" not in text
    one_fix(text)


def test_the_folder_list_offers_only_scenarios():
    code, text = run("predict", ROOT / "scenarios")
    assert code == 2 and "vienna-2019.toml" in text
    assert "venue-sub2.toml" not in text


# -- finding 9: misspelt keys get a suggestion; a table's contents are not dumped -------------
@pytest.mark.parametrize("override, want", [
    ("conditions.temprature_c=3", "did you mean temperature_c?"),
    ("condition.temperature_c=3", "did you mean conditions?"),
])
def test_misspelt_keys_get_a_suggestion(override, want):
    code, text = run("predict", VIENNA, "--set", override)
    assert code == 2 and want in text, text
    assert "{'temperature_c'" not in text
    one_fix(text)


def test_an_unclosed_inline_table_is_named():
    code, text = run("predict", VIENNA, "--set", "drafting={drag_reduction=0")
    assert code == 2 and "inline table" in text and "dictionary" not in text
    one_fix(text)


def test_a_new_distance_says_how_to_drop_the_replayed_time():
    code, text = run("predict", VIENNA, "--set", "race.distance=100km")
    assert code == 2 and "race.actual_time" in text
    assert "--set race.actual_time=" in text and 'as "h:mm:ss"' not in text
    one_fix(text)
    # the fix works: the key is dropped (then the target must go too, and the course says why)
    code, text = run("predict", VIENNA, "--set", "race.distance=100km", "--set",
                     "race.actual_time=")
    assert code == 2 and "race.actual_time:" not in text
    assert "plan.target_time: 1:59:40.0 for 100 km" in text


def test_a_time_with_no_plausible_reading_names_the_range():
    code, text = run("equivalent", "marathon=1:30:00", "--to", "10k")
    assert code == 2
    assert "Fix: give a time between 1:36:28 and 23:26:30 for marathon" in text
    one_fix(text)


@pytest.mark.parametrize("to, want", [
    ("-5km", "must be positive"), ("0km", "must be positive"),
    ("1e9km", "longer than any race"),
])
def test_distances_out_of_range_say_why(to, want):
    code, text = run("equivalent", "marathon=2:10:00", "--to", to)
    assert code == 2 and want in text and "unknown distance" not in text, text
    one_fix(text)


def test_lights_track_takes_units_and_names_the_valid_tracks():
    code, text = run("lights", "--track", "400m", "--target", "3:59")
    assert code == 0, text
    assert "1209.3 m" in text and "1209.34" not in text
    code, text = run("lights", "--track", "333", "--target", "3:59")
    assert code == 2 and "333 m" in text and "333.0" not in text and "200m" in text
    one_fix(text)
    code, text = run("lights", "--track", "abc")
    assert code == 2 and "Input should be" not in text


def test_crew_reserves_and_drop_out_in_the_users_units(tmp_path):
    roster = ROOT / "rosters" / "vienna-2019-pacers.csv"
    code, text = run("crew", "plan", VIENNA, "--roster", roster, "--reserves", "-3")
    assert code == 2 and "negative" in text and "leave pacers to run" not in text
    one_fix(text)
    plan = tmp_path / "p.json"
    code, text = run("crew", "plan", VIENNA, "--roster", roster, "--out", plan)
    assert code == 0, text
    code, text = run("crew", "replan", plan, "--dropped", "V01", "--at", "50km")
    assert code == 2 and "50 km" in text and "42.195 km" in text and "50000" not in text
    one_fix(text)


# -- polish: one help style -----------------------------------------------------------------
def _all_help() -> str:
    """Every command's --help at 80 columns, in-process (as the root builds them)."""
    import typer

    from paceline.cli.app import app

    out = []

    def walk(cmd, path):
        ctx = cmd.context_class(cmd, info_name=" ".join(path), terminal_width=80,
                                max_content_width=80)
        out.append(cmd.get_help(ctx))
        for name in list(getattr(cmd, "commands", {}) or {}):
            walk(cmd.commands[name], [*path, name])

    walk(typer.main.get_command(app), ["paceline"])
    return "\n".join(out)


def test_help_metavars_are_one_style():
    text = _all_help()
    assert "Usage: paceline predict [OPTIONS] SCENARIO" in text
    assert "Usage: paceline log import [OPTIONS] PATHS..." in text
    assert "{" + "scenario}" not in text and "{PLAN}" not in text
    assert "<list[" not in text
    assert "--pacing <even-effort|even-pace>" in text
    assert "--role <official|viewer>" in text
    assert "--ssl-\n" not in text and "--ssl-keyfile/--ssl-certfile" in text
    assert "(m/s)" not in text and "[m/s]" in text
    for documented in ("Activity id", "The day, YYYY-MM-DD", "Totals per ISO week",
                       "Totals per calendar month"):
        assert documented in text


def test_version():
    code, text = run("--version")
    assert code == 0 and text.startswith("paceline 0.")


# -- polish: precision, noise, blank lines --------------------------------------------------
def test_json_text_drops_float_noise():
    import json

    from paceline.cli._console import json_text

    got = json.loads(json_text({"a": 390.65599999999995, "w": 1.8e-16, "l": [1304.1048158640226],
                                "n": 3, "s": "x"}))
    assert got == {"a": 390.656, "w": 0.0, "l": [1304.104816], "n": 3, "s": "x"}


def test_lengths_to_the_metre_and_courses_by_length():
    from paceline.units import format_distance, format_length

    assert format_length(1409.83) == "1.41 km" and format_length(10248.7) == "10.249 km"
    assert format_length(409.344) == "409.3 m" and format_distance(42195.0) == "marathon"
    code, text = run("courses")
    assert code == 0 and "42.195 km" in text and "marathon" not in text


def test_an_error_after_a_progress_bar_does_not_start_with_a_blank_line(tmp_path):
    res = subprocess.run([sys.executable, "-m", "paceline", "plan", VIENNA, "-o",
                          str(tmp_path / "p"), "--set", "race.distance=100km"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert res.returncode == 2 and res.stderr.startswith("error:"), repr(res.stderr[:40])


def test_validate_without_draws_has_no_empty_band_column():
    code, text = run("validate", "--draws", "0")
    assert code == 0 and "P10–P90 " not in text.split("No P10–P90")[0]
    assert "No P10–P90 band: --draws 0" in text


def test_log_list_and_profile_write_readable_numbers(tmp_path):
    db = f"sqlite:///{tmp_path / 'log.sqlite'}"
    code, text = run("log", "import", ROOT / "tests" / "data" / "fit" / "run", "--db", db)
    assert code == 0, text
    code, text = run("log", "list", "--db", db)
    assert code == 0 and re.search(r"\d+\.\d{3} km", text)
    assert not re.search(r"\d+\.\d{4,} km", text), text
    athlete = tmp_path / "athlete.toml"
    code, text = run("log", "profile", "--db", db, "--out", athlete, "--mass-kg", "52",
                     "--height-m", "1.67", "--temperature-c", "12", "--relative-humidity", "0.6")
    assert code == 0, text
    toml = athlete.read_text()
    assert re.search(r'^time = "\d+:\d\d(:\d\d)?\.\d"$', toml, re.M), toml
    assert not re.search(r"\d\.\d{7,}", toml), toml
    code, text = run("predict", VIENNA, "--athlete", athlete)
    assert code == 0, text


def test_unscored_note_singular_and_plural():
    import numpy as np

    from paceline.cli.log import _unscored_note

    one = _unscored_note(np.array(["none"]), np.array(["swimming"]))
    assert one.startswith("1 activity of other sports (swimming 1) has no load"), one
    two = _unscored_note(np.array(["none", "none"]), np.array(["swimming", "rowing"]))
    assert two.startswith("2 activities of other sports"), two
    assert "have no load" in two
