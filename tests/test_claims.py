"""Claims that the notebooks state in prose, checked over their whole range.

A notebook keeps the checks that teach (a printed number beside its closed form); a check that
only guards a sentence lives here, one test per claim, named after the notebook and the claim,
importing the same module the notebook imports. Each block below belongs to one notebook.
"""

from __future__ import annotations

import numpy as np
import pytest

import dynweights as dw

# --------------------------------------------------------------------------- 08 annealing

STEPS_08 = (1, 2, 7, 100, 2000)
MAX_08 = (0.5, 1.0, 2.0)


@pytest.mark.parametrize("T", STEPS_08)
@pytest.mark.parametrize("w", MAX_08)
@pytest.mark.parametrize("method", ["linear", "cosine"])
def test_08_linear_and_cosine_decays_agree_both_ways(method, T, w):
    """"Linear and cosine are point-symmetric, r(T - t) = w - r(t), so both columns agree"."""
    rev = dw.schedule(method, T, w, decay="reversal")
    comp = dw.schedule(method, T, w, decay="complement")
    np.testing.assert_allclose(rev, comp, rtol=0, atol=1e-14 * w)


@pytest.mark.parametrize("T", [2, 100, 2000])
@pytest.mark.parametrize("method, params", [("power", {"a": 2.0}), ("power", {"a": 0.5}),
                                            ("exponential", {"rate": 4.0})])
def test_08_power_and_exponential_decays_differ_both_ways(method, params, T):
    """The reversal and the complement of the power (a != 1) and exponential ramps differ."""
    rev = dw.schedule(method, T, decay="reversal", **params)
    comp = dw.schedule(method, T, decay="complement", **params)
    assert np.max(np.abs(rev - comp)) > 0.1


@pytest.mark.parametrize("T", STEPS_08)
@pytest.mark.parametrize("w", MAX_08)
def test_08_decay_table_closed_forms(T, w):
    """The table of section 1: each decay equals its closed form at every step."""
    p = np.arange(T + 1) / T
    a, rate = 2.0, 4.0
    closed = {
        ("linear", "reversal"): w * (1 - p),
        ("cosine", "reversal"): w * (1 + np.cos(np.pi * p)) / 2,
        ("power", "reversal"): w * (1 - p) ** a,
        ("power", "complement"): w * (1 - p ** a),
        ("exponential", "reversal"): w * (1 - np.exp(-rate * (1 - p))),
        ("exponential", "complement"): w * np.exp(-rate * p),
    }
    for (method, how), expected in closed.items():
        got = dw.schedule(method, T, w, decay=how)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15, err_msg=f"{method} {how}")


@pytest.mark.parametrize("T", STEPS_08)
@pytest.mark.parametrize("w", MAX_08)
def test_08_exponential_decays_miss_their_ends(T, w):
    """"Its reversal starts at 0.98168 w, and its complement ends at e^-4 w, not at 0"."""
    rev = dw.schedule("exponential", T, w, decay="reversal")
    comp = dw.schedule("exponential", T, w, decay="complement")
    assert round(rev[0] / w, 5) == 0.98168 and rev[0] < w and rev[-1] == 0.0
    assert np.isclose(comp[-1], w * np.exp(-4)) and comp[0] == w


@pytest.mark.parametrize("T", [10, 100, 2000, 8000])
@pytest.mark.parametrize("rate", [0.5, 4.0, np.log(200)])
def test_08_exponential_complement_is_geometric_cooling(T, rate):
    """"The exponential's complement is geometric cooling tau0 alpha^t, alpha = e^(-rate/T)":
    every step multiplies the temperature by the same alpha."""
    tau0 = 2.0
    curve = dw.schedule("exponential", T, tau0, decay="complement", rate=rate)
    alpha = np.exp(-rate / T)
    np.testing.assert_allclose(curve[1:] / curve[:-1], alpha, rtol=1e-12)
    np.testing.assert_allclose(curve, tau0 * alpha ** np.arange(T + 1), rtol=1e-12)


def test_08_power_decays_at_half_way():
    """"At T/2 the power decays give (1/2)^2 and 1 - (1/2)^2" (T = 100, w = 1, a = 2)."""
    assert dw.weight("power", 50, 100, decay="reversal") == pytest.approx(0.25, abs=1e-15)
    assert dw.weight("power", 50, 100, decay="complement") == pytest.approx(0.75, abs=1e-15)


@pytest.mark.parametrize("method", dw.BASIC_METHODS)
@pytest.mark.parametrize("how", dw.DECAYS)
def test_08_decays_scalar_weight_equals_schedule(method, how):
    """`dw.weight` at any step and `dw.schedule` for all steps give the same decay."""
    T, w = 37, 2.0
    scalar = [dw.weight(method, t, T, w, decay=how) for t in range(T + 1)]
    np.testing.assert_allclose(scalar, dw.schedule(method, T, w, decay=how), rtol=0, atol=1e-15)
