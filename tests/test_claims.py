"""Claims that the notebooks' prose makes, checked here instead of by asserts in the notebooks.

A notebook keeps the checks that teach (a printed number beside its closed form); a check
that only guards a sentence lives here, one test per claim, named after the notebook and the
claim, importing the same module, so that it fails when the claim breaks. Each notebook has
its own block below. Expensive experiment results stay in the notebooks as printed numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import dynweights as dw

# --------------------------------------------------------------------------- 06 training loop
# The setting of notebooks/06_training_loop.ipynb: 200 points, 70 % outliers (140 of them),
# scale c = 0.3, learning rate 0.5, ramps over 1,200 of 2,000 steps, GNC from c_0 = 10.

N06, N_OUT06, C06, LR06, RAMP06, STEPS06, C0_06, TOL06 = 200, 140, 0.3, 0.5, 1200, 2000, 10.0, 0.05


def _rho_gm(r, c):
    """Geman-McClure, equation (1) of 06: (c^2/2) r^2 / (c^2 + r^2)."""
    return c ** 2 / 2 * r ** 2 / (c ** 2 + r ** 2)


def _psi(r, w, c=C06):
    """Equation (3) of 06: the force of one point under the blend with weight w."""
    return (1 - w) * r + w * c ** 4 * r / (c ** 2 + r ** 2) ** 2


def _shrinkage(final_weight, n_in=N06 - N_OUT06, n_out=N_OUT06):
    """Equation (7) of 06: fitted / true slope of a weighted least-squares fit."""
    return 1 - (1 - final_weight) * n_out / (n_in + (1 - final_weight) * n_out)


def test_06_far_points_barely_pull_under_the_robust_loss():
    # "At residual 2 a point pulls with force 2 under least squares and 0.001 under GM"
    assert _psi(2.0, 0.0) == 2.0
    assert round(_psi(2.0, 1.0), 3) == 0.001
    # ... about c^4 / r^3 far from the data
    r = np.array([2.0, 3.0, 10.0])
    assert np.allclose(_psi(r, 1.0), C06 ** 4 / r ** 3, rtol=0.05)


def test_06_least_squares_forgets_the_start_in_about_20_steps():
    # (5): the slope error shrinks by 1 - lr/3 a step for x ~ U(-1, 1), whose mean square is 1/3
    assert math.isclose(np.mean(np.linspace(-1, 1, 2_000_001) ** 2), 1 / 3, rel_tol=1e-5)
    factor = 1 - LR06 / 3
    assert factor == pytest.approx(5 / 6)
    # "a start 4 away is within 0.1 of the fit after ln 40 / ln 1.2 ~ 20 steps"
    assert round(math.log(40) / math.log(1.2)) == 20
    assert 4 * factor ** 21 < 0.1 < 4 * factor ** 19
    # "after 200 steps the start is forgotten ((5/6)^200 ~ 1e-16)"
    assert 1e-16 < factor ** 200 < 2e-16


def test_06_after_200_least_squares_steps_every_start_is_at_the_fit():
    # section 4 and the switch: 200 steps of least squares from any start end at the fit
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, N06)
    y = rng.uniform(-3, 3, N06)
    y[N_OUT06:] = 0.7 * x[N_OUT06:] - 0.2 + rng.normal(0, 0.05, N06 - N_OUT06)
    slope_fit, intercept_fit = np.polyfit(x, y, 1)
    for slope, intercept in [(5.0, -4.0), (0.0, 0.0), (-3.0, 2.0)]:
        for _ in range(200):
            r = slope * x + intercept - y
            slope, intercept = slope - LR06 * np.mean(r * x), intercept - LR06 * np.mean(r)
        assert abs(slope - slope_fit) < 1e-12 and abs(intercept - intercept_fit) < 1e-12


def test_06_gnc_surrogate_is_geman_mcclure_with_a_wider_scale():
    # (6): mu c^2 r^2 / (mu c^2 + r^2) = 2 rho_GM(r; c sqrt(mu)); at mu = 1 it is 2 rho_GM
    r = np.linspace(-5, 5, 1001)
    for mu in (1.0, 7.5, 1e3):
        surrogate = mu * C06 ** 2 * r ** 2 / (mu * C06 ** 2 + r ** 2)
        assert np.allclose(surrogate, 2 * _rho_gm(r, C06 * math.sqrt(mu)), rtol=1e-12)
    # convex for |r| < c / sqrt(3) (second derivative by finite differences), not beyond
    h, c = 1e-4, C06

    def second(r):
        return (_rho_gm(r + h, c) - 2 * _rho_gm(r, c) + _rho_gm(r - h, c)) / h ** 2

    inside = np.linspace(0, 0.99 * c / math.sqrt(3), 50)
    outside = np.linspace(1.01 * c / math.sqrt(3), 5 * c, 50)
    assert np.all(second(inside) > 0) and np.all(second(outside) < 0)
    # tends to least squares as the scale grows
    assert np.allclose(_rho_gm(r, 1e4), r ** 2 / 2, rtol=1e-6)


def test_06_gnc_scale_falls_geometrically_from_10_to_c_then_holds():
    steps = np.arange(STEPS06)
    shrink = dw.weight("linear", steps, RAMP06, decay="complement")
    c_t = C06 * (C0_06 / C06) ** shrink
    assert c_t[0] == pytest.approx(C0_06) and np.all(c_t[RAMP06:] == pytest.approx(C06))
    # geometric: a constant ratio from step to step over the ramp
    ratios = c_t[1:RAMP06 + 1] / c_t[:RAMP06]
    assert np.allclose(ratios, (C06 / C0_06) ** (1 / RAMP06), rtol=1e-9)


def test_06_exponential_shrinks_the_fit_by_4_percent():
    # section 8: the exponential ramp ends at 0.98168 and holds it past the ramp
    w_end = dw.weight("exponential", np.arange(STEPS06), RAMP06)[-1]
    assert round(w_end, 5) == 0.98168
    ratio = _shrinkage(w_end)
    assert round(ratio, 3) == 0.959                        # (7)
    limit = TOL06 / (1 - ratio)
    assert round(limit, 2) == 1.22                         # "slopes steeper than 1.22"
    assert round((2 - limit) / 2, 2) == 0.39               # "39 % of the seeds"
    # the intercept is at most 1 in size: only the slope can pass the limit
    assert limit > 1


def test_06_rate_6_leaves_no_bias_that_misses():
    # Exercise 1: rate 6 ends at 0.99752; (7) gives 0.9942, a miss needs max(|m*|, |b*|) > 8.7
    w6 = dw.weight("exponential", RAMP06, RAMP06, rate=6.0)
    assert round(w6, 5) == 0.99752
    assert round(_shrinkage(w6), 4) == 0.9942
    assert round(TOL06 / (1 - _shrinkage(w6)), 1) == 8.7 > 2


def test_06_mcnemar_exact_p_and_the_paired_standard_error():
    # "9 seeds to 0, p = 0.004": the exact two-sided binomial test of 9 discordant seeds
    assert round(2 * 0.5 ** 9, 4) == 0.0039
    # the standard error of a paired difference of rates, sqrt(nA + nB - (nA - nB)^2/n) / n,
    # is the standard error of the mean of the per-seed differences a - b
    rng = np.random.default_rng(1)
    for n in (50, 400):
        a, b = rng.random(n) < 0.9, rng.random(n) < 0.8
        only_a, only_b = np.sum(a & ~b), np.sum(~a & b)
        formula = math.sqrt(only_a + only_b - (only_a - only_b) ** 2 / n) / n
        d = a.astype(float) - b.astype(float)
        assert formula == pytest.approx(d.std() / math.sqrt(n), rel=1e-12)


def test_06_a_held_weight_stays_at_its_end_and_zero_padding_does_not():
    # Going deeper: dw.weight holds past the ramp; np.pad of the schedule drops to 0
    held = dw.weight("cosine", np.arange(STEPS06), RAMP06)
    padded = np.pad(dw.schedule("cosine", RAMP06), (0, STEPS06 - RAMP06 - 1))
    assert len(held) == len(padded) == STEPS06
    assert np.all(held[RAMP06:] == 1.0) and np.all(padded[RAMP06 + 1:] == 0.0)
