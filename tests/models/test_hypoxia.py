import numpy as np
import pytest

from paceline.models.hypoxia import vo2max_factor_wehrlin_hallen2006


def test_wehrlin_hallen2006_linear_6_3_percent_per_1000m():
    # Wehrlin & Hallén 2006 (Eur J Appl Physiol 96:404): −6.3 % VO2max per 1000 m from 300 m.
    f = vo2max_factor_wehrlin_hallen2006([0.0, 300.0, 1300.0, 2800.0])
    np.testing.assert_allclose(f, [1.0, 1.0, 0.937, 1 - 0.063 * 2.5], atol=1e-12)


def test_outside_validity_nan():
    assert np.isnan(vo2max_factor_wehrlin_hallen2006(5000.0))
    assert vo2max_factor_wehrlin_hallen2006(165.0) == pytest.approx(1.0)
