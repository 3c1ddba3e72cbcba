"""Shoes by mass: energy return and mass against a reference shoe, in seconds; whatif economy."""

import pytest

from paceline.errors import ScenarioError
from paceline.models import energetics as en
from paceline.sim import RaceModel, whatif
from paceline.sim.race import shoe_mass_saving_frac, shoe_saving_frac
from paceline.sim.whatif import shoe_worth
from tests.sim.test_race import scenario


@pytest.mark.parametrize("given", ["mass_g", "reference_mass_g"])
def test_one_mass_without_the_other_is_refused_naming_both_keys(given):
    # the case: race shoes of 200 g and no reference mass used to add 110 s (vs 0 g)
    with pytest.raises(ScenarioError) as exc:
        scenario(**{f"shoes__{given}": 200})
    msg = str(exc.value)
    assert "shoes.mass_g" in msg and "shoes.reference_mass_g" in msg


def test_frederick1984_one_percent_per_100_g_against_the_reference():
    # Frederick 1984 (Appl Ergon 15:281): +100 g per shoe ≈ +1 % metabolic cost, counted
    # from the reference shoe, not from 0 g. Exact by construction of the source's slope.
    sc = scenario(shoes__mass_g=300, shoes__reference_mass_g=200)
    assert shoe_mass_saving_frac(sc.shoes) == pytest.approx(-0.01, abs=1e-12)
    assert shoe_saving_frac(sc.shoes) == pytest.approx(0.04 - 0.01, abs=1e-12)
    same = scenario(shoes__mass_g=200, shoes__reference_mass_g=200)
    assert shoe_saving_frac(same.shoes) == 0.04


def test_shoe_worth_splits_energy_return_and_mass():
    heavy = RaceModel(scenario(shoes__mass_g=300, shoes__reference_mass_g=200))
    w = shoe_worth(heavy)
    assert w.energy_return_s > 0 > w.mass_s
    assert w.total_s == pytest.approx(w.energy_return_s + w.mass_s, abs=1e-9)
    # the mass part equals the race re-solved with 1 % worse economy than the reference
    # shoe (Frederick), within 0.01 s (solver tolerance)
    base = RaceModel(scenario()).solve().finish_time_s
    worse = RaceModel(scenario(shoes__metabolic_saving=0.03)).solve().finish_time_s
    assert -w.mass_s == pytest.approx(worse - base, abs=0.01)
    # and a 4 % energy-return saving is worth ≈ 2/3 of 4 % in time (Kipp et al. 2019): 2–3 %
    t = heavy.solve().finish_time_s
    assert 0.02 < w.energy_return_s / t < 0.03


def test_no_masses_no_mass_term():
    w = shoe_worth(RaceModel(scenario()))
    assert w.mass_s == 0.0 and w.mass_frac == 0.0 and w.total_s == w.energy_return_s


def test_whatif_economy_is_exactly_one_percent():
    # "1 % better economy" = the cost of running × 0.99 (air cost as it is). Adding 0.01 to a
    # 4 % shoe saving would have been 0.01/0.96 = 1.04 %.
    sc = scenario(shoes__mass_g=250, shoes__reference_mass_g=200)
    base, factors = whatif(sc)
    econ = next(f for f in factors if f.name == "economy")
    m = RaceModel(sc)
    m.saving = 1.0 - 0.99 * (1.0 - m.saving)
    assert econ.delta_s == pytest.approx(m.solve().finish_time_s - base, abs=1e-6)
    # no air: the metabolic power at the same speed is exactly 0.99×
    kw = dict(cost_ref_j_kg_m=3.8, mass_kg=52)
    p0 = en.metabolic_power_w_kg(5.8, metabolic_saving_frac=shoe_saving_frac(sc.shoes), **kw)
    p1 = en.metabolic_power_w_kg(5.8, metabolic_saving_frac=m.saving, **kw)
    assert float(p1 / p0) == pytest.approx(0.99, abs=1e-12)


def test_whatif_shoes_adds_100_g_against_the_reference():
    sc = scenario()
    _, factors = whatif(sc)
    shoes = next(f for f in factors if f.name == "shoes")
    worse = RaceModel(scenario(shoes__metabolic_saving=0.03)).solve().finish_time_s
    base = RaceModel(sc).solve().finish_time_s
    assert shoes.delta_s == pytest.approx(worse - base, abs=0.01)
