"""Read a validation set: ``races.toml`` naming each race's scenario and the race of the same
athlete it is predicted from (see ``scenarios/validation/``)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from paceline.errors import InputFileError
from paceline.io.scenario_file import load_courses, read_scenario
from paceline.sim.validation import ValidationCase

__all__ = ["read_validation_set"]


def read_validation_set(directory: str | Path) -> list[ValidationCase]:
    """Cases of ``directory/races.toml`` ([[race]] scenario, athlete, predicted_from)."""
    d = Path(directory)
    manifest = d / "races.toml"
    if d.is_file():
        raise InputFileError("this is a file; validate wants a directory (a validation set "
                             "with races.toml)", where=str(d),
                             fix="give the folder of the bundled set, scenarios/validation; to "
                             "predict one scenario, run `paceline predict` on it")
    if not d.exists():
        raise InputFileError("validation directory not found", where=str(d),
                             fix="give the folder of the bundled set, scenarios/validation")
    if not manifest.is_file():
        raise InputFileError("no races.toml in the validation directory", where=str(d),
                             fix="give the folder of the bundled set, scenarios/validation, or "
                             "one with a races.toml whose race tables give scenario, athlete "
                             "and predicted_from")
    try:
        entries = tomllib.loads(manifest.read_text(encoding="utf-8")).get("race", [])
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(f"not valid TOML: {exc}", where=str(manifest),
                             fix="correct the TOML syntax at the line named") from None
    cases = []
    for k, e in enumerate(entries, start=1):
        missing = {"scenario", "athlete", "predicted_from"} - set(e)
        if missing:
            raise InputFileError(f"race {k} lacks {', '.join(sorted(missing))}",
                                 where=str(manifest), fix="give scenario, athlete and "
                                 "predicted_from for every race table")
        path = d / e["scenario"]
        sc = read_scenario(path)
        course, ref_course = load_courses(sc, path.parent)
        cases.append(ValidationCase(name=Path(e["scenario"]).stem, athlete=e["athlete"],
                                    predicted_from=Path(e["predicted_from"]).stem,
                                    scenario=sc, course=course, reference_course=ref_course))
    if not cases:
        raise InputFileError("races.toml lists no races", where=str(manifest),
                             fix="add race tables (scenario, athlete, predicted_from)")
    return cases
