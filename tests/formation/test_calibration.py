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


def test_model_defaults_are_the_fit(fitted):
    # the constants in paceline.models.drafting are this fit, rounded to 4 digits
    for k, v in fitted.parameters.items():
        assert dm.FIT_PARAMETERS[k] == pytest.approx(v, abs=2e-3), k
    # and the wake is as narrow and as slowly widening as the physical bounds allow: the
    # published cases, taken together, would like a thinner wake than a runner makes
    assert fitted.parameters["initial_width_m"] == pytest.approx(dm.MIN_INITIAL_WIDTH_M,
                                                                 abs=1e-3)
    assert fitted.parameters["growth_rate"] == pytest.approx(0.05, abs=1e-3)


# Residuals per case (model − published drag reduction), pinned so a change is a decision.
# Tolerance 0.01 (the rounding of the defaults). In sample / leave-one-source-out:
EXPECTED_RESIDUALS = {
    "sh2021-one-ahead-1.0m": (-0.032, -0.059),
    "sh2021-ahead-behind-1.0m": (-0.094, -0.119),  # SH21: a runner behind helps 8 points
    "sh2021-following-0.6m": (-0.146, -0.174),  # the wake is too flat in s at 0.6-1 m
    "beaumont2021-file5-second": (+0.058, +0.061),
    "beaumont2019-two-pacers": (+0.200, +0.253),  # geometry unknown; abreast ASSUMED
    "marro2023-vienna": (+0.189, +0.207),  # 1/10-scale tunnel: 13 points below Li's CFD
    "marro2023-new-shape": (+0.368, +0.373),  # and its geometry is from press text
    "rw2023-double-wt": (-0.002, -0.019),
    "rw2023-double-cfd": (+0.018, +0.001),
    "rw2023-triple-wt": (+0.026, +0.010),
    "rw2023-triple-cfd": (-0.034, -0.050),
    "rw2023-quad-wt": (-0.039, -0.056),
    "rw2023-quad-cfd": (-0.079, -0.096),
    "li2025-v-of-three": (-0.119, -0.125),
    "li2025-ineos": (+0.059, +0.053),
}


def test_residual_per_published_case(held_out):
    res = {c.case.case_id: c.residual for c in residuals().cases if c.case.weight > 0}
    loso = {c.case.case_id: c.residual for c in held_out.cases}
    assert set(res) == set(EXPECTED_RESIDUALS) == set(loso)
    for k, (v_in, v_out) in EXPECTED_RESIDUALS.items():
        assert res[k] == pytest.approx(v_in, abs=0.01), k
        assert loso[k] == pytest.approx(v_out, abs=0.01), k


def test_fit_quality_is_stated_not_hidden(held_out):
    # in sample RMS 13.5 points, held out (leave one source out) 14.9 points: the goal of
    # ≤ 10 held-out points is NOT met; Marro's tunnel and Beaumont 2019 carry most of it
    r = residuals()
    assert r.rms_residual == pytest.approx(0.135, abs=0.005)
    assert held_out.rms_residual == pytest.approx(0.149, abs=0.005)
    by_source = held_out.rms_by_source()
    assert max(by_source, key=by_source.get) == "marro2023"
    assert by_source["zhang2023"] < 0.06 and by_source["li2025"] < 0.10
    assert np.isnan(next(c for c in r.cases if c.case.x_m is None).model_reduction)


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
    # the reason for the default is physics (a V's side-by-side wakes add) and it is not worse
    # out of sample than the alternatives by more than noise: linear 14.9, max 14.5, rss 17.9
    rss = cal.leave_one_source_out(superposition="rss").rms_residual
    lin = cal.leave_one_source_out(superposition="linear").rms_residual
    assert lin < rss
    with pytest.raises(ValueError, match="valid"):
        fit(superposition="nope")


def test_malformed_table_is_refused(tmp_path):
    from paceline.errors import InputFileError

    src = (cal.resources.files("paceline") / "data" / "drafting_calibration.csv").read_text()
    bad = tmp_path / "bad.csv"
    bad.write_text(src.replace(",secondary,", ",hearsay,", 1))
    with pytest.raises(InputFileError, match="hearsay"):
        read_cases(bad)
