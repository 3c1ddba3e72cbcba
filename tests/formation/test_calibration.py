"""Calibration: the weighted fit, its residual on every published case, and held out."""

import numpy as np
import pytest

from paceline.formation import calibration as cal
from paceline.formation import fit, read_cases, residuals
from paceline.models import drafting as dm


@pytest.fixture(scope="module")
def fitted():
    return fit()


@pytest.fixture(scope="module")
def held_out():
    return cal.leave_one_source_out()


def test_every_case_has_provenance():
    cases = read_cases()
    assert len(cases) >= 15
    ids = {c.case_id for c in cases}
    assert {"li2025-v-of-three", "li2025-ineos"} <= ids  # Li et al. 2025, primary CFD source
    for c in cases:
        assert c.source and c.method in ("CFD", "wind tunnel") and c.geometry_read
        assert c.confidence in ("paper", "abstract", "secondary")
        assert 0 < c.published_reduction < 1
    # Schickhofer & Hanson's three spacing points came from secondary reports, not the paper
    sh = [c for c in cases if c.source_id == "sh2021" and c.in_fit]
    assert len(sh) == 3 and all(c.confidence == "secondary" for c in sh)
    # a case without a geometry is listed but neither fitted nor predicted
    best = next(c for c in cases if c.case_id == "sh2021-best-formation")
    assert best.x_m is None and best.weight == 0.0


def test_weights_follow_confidence_and_geometry():
    w = {c.case_id: c.weight for c in read_cases()}
    assert w["sh2021-one-ahead-1.0m"] == pytest.approx(0.4 * 1.0)  # secondary, stated
    assert w["li2025-v-of-three"] == pytest.approx(0.7 * 0.6)  # abstract, assumed
    assert w["marro2023-vienna"] == pytest.approx(0.4 * 0.6)  # secondary, assumed
    assert w["polidori2020-bekele-between"] == pytest.approx(0.4 * 0.6)


def test_model_defaults_are_the_fit(fitted):
    # the constants in paceline.models.drafting are this fit, rounded to 4 digits
    assert fitted.wake == dm.DEFAULT_WAKE == "finite-height"
    for k, v in fitted.parameters.items():
        assert dm.FIT_PARAMETERS[k] == pytest.approx(v, abs=2e-3), k
    # and the wake is as narrow and as slowly widening as the physical bounds allow: the
    # published cases, taken together, would like a thinner wake than a runner makes
    assert fitted.parameters["initial_width_m"] == pytest.approx(dm.MIN_INITIAL_WIDTH_M,
                                                                 abs=1e-3)
    assert fitted.parameters["growth_rate"] == pytest.approx(0.05, abs=1e-3)
    # the wake's momentum deficit is ≈ 2.3× the runner's drag area (0.38 m²), inside the
    # bounds stated before the fit (¼ × 0.24 to 3 × 0.38 m²): the near wake is not at
    # ambient pressure, as the planar fit's θ also says
    lo, hi = cal.PARAMETER_BOUNDS["finite-height"]["wake_drag_area_m2"]
    assert lo < fitted.parameters["wake_drag_area_m2"] < hi


def test_planar_defaults_are_its_fit():
    planar = fit(wake="planar")
    assert planar.wake == "planar"
    for k, v in planar.parameters.items():
        assert dm.PLANAR_PARAMETERS[k] == pytest.approx(v, abs=2e-3), k


# Residuals per case (model − published drag reduction), pinned so a change is a decision.
# Tolerance 0.01 (the rounding of the defaults). Finite-height wake, linear superposition,
# wake-added turbulence (Crespo & Hernández).
# In sample / leave-one-source-out:
EXPECTED_RESIDUALS = {
    "sh2021-one-ahead-1.0m": (-0.031, -0.055),
    "sh2021-ahead-behind-1.0m": (-0.089, -0.111),  # SH21: a runner behind helps 8 points
    "sh2021-following-0.6m": (-0.089, -0.122),  # planar wake: −0.151 / −0.178
    "beaumont2021-file5-second": (+0.065, +0.068),
    "beaumont2019-two-pacers": (+0.200, +0.250),  # geometry unknown; abreast ASSUMED
    "marro2023-vienna": (+0.170, +0.183),  # 1/10-scale tunnel: 13 points below Li's CFD
    "marro2023-new-shape": (+0.311, +0.316),  # geometry from press text (no added turbulence:
    #                                            +0.339 / +0.343)
    "rw2023-double-wt": (-0.001, -0.019),
    "rw2023-double-cfd": (+0.019, +0.001),
    "rw2023-triple-wt": (+0.031, +0.015),
    "rw2023-triple-cfd": (-0.029, -0.045),
    "rw2023-quad-wt": (-0.062, -0.078),
    "rw2023-quad-cfd": (-0.102, -0.118),
    "li2025-v-of-three": (-0.142, -0.150),
    "li2025-ineos": (+0.040, +0.032),
    "polidori2020-bekele-centre": (+0.050, +0.053),
    "polidori2020-bekele-between": (+0.034, +0.036),
}


def test_residual_per_published_case(held_out):
    res = {c.case.case_id: c.residual for c in residuals().cases if c.case.weight > 0}
    loso = {c.case.case_id: c.residual for c in held_out.cases}
    assert set(res) == set(EXPECTED_RESIDUALS) == set(loso)
    for k, (v_in, v_out) in EXPECTED_RESIDUALS.items():
        assert res[k] == pytest.approx(v_in, abs=0.01), k
        assert loso[k] == pytest.approx(v_out, abs=0.01), k


def test_fit_quality_is_stated_not_hidden(held_out):
    # in sample RMS 11.6 points, held out (leave one source out) 12.9 points: the goal of
    # ≤ 10 held-out points is NOT met; Marro's tunnel and Beaumont 2019 carry most of it
    r = residuals()
    assert r.rms_residual == pytest.approx(0.116, abs=0.005)
    assert held_out.rms_residual == pytest.approx(0.129, abs=0.005)
    by_source = held_out.rms_by_source()
    worst = sorted(by_source, key=by_source.get)[-2:]
    assert set(worst) == {"marro2023", "beaumont2019"}
    assert by_source["zhang2023"] < 0.07 and by_source["li2025"] < 0.12
    assert by_source["polidori2020"] < 0.06
    assert np.isnan(next(c for c in r.cases if c.case.x_m is None).model_reduction)


def test_finite_height_against_planar_in_and_out_of_sample(held_out):
    # the default was chosen on held-out RMS and physics (docs/formation.md §2): the 3-D wake
    # is no worse out of sample (12.9 vs 13.6 points) and better in sample (11.6 vs 12.6),
    # and it changes most where the planar wake was physically wrong: 0.6 m vs 1.0 m behind
    planar_held = cal.leave_one_source_out(wake="planar")
    assert held_out.rms_residual <= planar_held.rms_residual + 0.002
    assert residuals().rms_residual < residuals(wake="planar").rms_residual
    res = {c.case.case_id: c.residual for c in residuals().cases}
    pl = {c.case.case_id: c.residual for c in residuals(wake="planar").cases}
    assert abs(res["sh2021-following-0.6m"]) < abs(pl["sh2021-following-0.6m"]) - 0.05


def test_added_turbulence_against_none_in_and_out_of_sample(held_out):
    # the default adds Crespo & Hernández's wake turbulence (docs/formation.md §2): adopted
    # because it is physics of the same model family AND better both ways — in sample 11.6
    # vs 12.1 points, held out 12.9 vs 13.6 — mostly by tempering files (Marro's 't')
    none_fit = fit(turbulence="none")
    none_held = cal.leave_one_source_out(turbulence="none")
    assert none_fit.turbulence == "none" and held_out.turbulence == "crespo-hernandez"
    assert none_fit.rms_residual == pytest.approx(0.121, abs=0.005)
    assert none_held.rms_residual == pytest.approx(0.136, abs=0.005)
    assert residuals().rms_residual < none_fit.rms_residual
    assert held_out.rms_residual < none_held.rms_residual
    # "none" keeps its own fitted constants as its defaults
    for k, v in none_fit.parameters.items():
        assert residuals(turbulence="none").parameters[k] == pytest.approx(v, abs=2e-3), k
    t = {c.case.case_id: c.residual for c in held_out.cases}
    n = {c.case.case_id: c.residual for c in none_held.cases}
    assert t["marro2023-new-shape"] < n["marro2023-new-shape"] - 0.02
    with pytest.raises(ValueError, match="'crespo-hernandez'"):
        fit(turbulence="frandsen")


def test_recirculation_near_wake_tried_not_adopted(held_out):
    # a recirculation bubble of 1.25 body widths (ASSUMED, the middle of 1-1.5 D, set before
    # the fit) helps the 0.6 m case (in sample -4.6 instead of -8.9 points) but costs the Vs,
    # and held out it is worse: 13.7 vs 12.9 points (in sample 11.6 both). Not the default.
    f = fit(near_wake="recirculation")
    h = cal.leave_one_source_out(near_wake="recirculation")
    assert f.near_wake == h.near_wake == "recirculation"
    assert f.rms_residual == pytest.approx(0.116, abs=0.005)
    assert h.rms_residual == pytest.approx(0.137, abs=0.005)
    assert h.rms_residual > held_out.rms_residual
    r = {c.case.case_id: c.residual for c in f.cases}
    d = {c.case.case_id: c.residual for c in residuals().cases}
    assert abs(r["sh2021-following-0.6m"]) < abs(d["sh2021-following-0.6m"]) - 0.03
    assert r["li2025-v-of-three"] < d["li2025-v-of-three"] - 0.02


def test_finite_height_blockage_tried_not_adopted(held_out):
    # blockage of a body 1.7 m tall on the ground (a line of 3-D doublets, mirrored, averaged
    # up the target) instead of the 2-D doublet: better grounded, but the cases cannot tell
    # them apart (in sample 11.63 vs 11.60 points, held out 12.88 vs 12.86): it does not beat
    # the default held out, so it is not adopted (docs/formation.md §2).
    f = fit(blockage="finite-height")
    h = cal.leave_one_source_out(blockage="finite-height")
    assert f.blockage == h.blockage == "finite-height"
    assert f.rms_residual == pytest.approx(0.1163, abs=0.002)
    assert h.rms_residual == pytest.approx(0.1288, abs=0.002)
    assert abs(h.rms_residual - held_out.rms_residual) < 0.002
    with pytest.raises(ValueError, match="'finite-height'"):
        fit(blockage="3d")


def test_sources_disagree_beyond_the_fit():
    # same geometry, two methods, same paper (race walking 2023): 0.66 vs 0.72
    cases = {c.case_id: c for c in read_cases()}
    assert cases["rw2023-triple-cfd"].published_reduction - cases[
        "rw2023-triple-wt"].published_reduction == pytest.approx(0.06)
    # the INEOS shape: Li's CFD −63 %, Marro's tunnel −50 %: no model can match both
    assert cases["li2025-ineos"].published_reduction - cases[
        "marro2023-vienna"].published_reduction == pytest.approx(0.13)
    res = {c.case.case_id: c.residual for c in residuals().cases}
    assert res["rw2023-triple-wt"] > 0 > res["rw2023-triple-cfd"]


def test_superposition_rules_compared_out_of_sample():
    # the reason for the default is physics (a V's side-by-side wakes add; a pacer added in
    # front never raises the drag), not the held-out RMS, where the rules are within noise of
    # each other and max is best: linear 12.9, rss 13.2, max 12.3 (finite-height wake,
    # added turbulence; without it 13.6 / 13.5 / 12.2)
    lin = cal.leave_one_source_out(superposition="linear").rms_residual
    rss = cal.leave_one_source_out(superposition="rss").rms_residual
    mx = cal.leave_one_source_out(superposition="max").rms_residual
    assert lin == pytest.approx(0.129, abs=0.005)
    assert rss == pytest.approx(0.132, abs=0.005)
    assert mx == pytest.approx(0.123, abs=0.005)
    with pytest.raises(ValueError, match="valid"):
        fit(superposition="nope")
    with pytest.raises(ValueError, match="'planar'"):
        fit(wake="3d")


def test_malformed_table_is_refused(tmp_path):
    from paceline.errors import InputFileError

    src = (cal.resources.files("paceline") / "data" / "drafting_calibration.csv").read_text()
    bad = tmp_path / "bad.csv"
    bad.write_text(src.replace(",secondary,", ",hearsay,", 1))
    with pytest.raises(InputFileError, match="hearsay"):
        read_cases(bad)
