"""The claims the notebooks make in prose, each checked over the whole range it covers.

A notebook keeps the checks that teach (a printed number beside its closed form); a check
that only guards a sentence ("for every T the slider offers", "for every method") lives
here, one test per claim, named after the notebook, so that it still fails when the claim
breaks. Each test imports the same module the notebooks import.
"""

from __future__ import annotations

import numpy as np
import pytest

import dynweights as dw

# --------------------------------------------------------------------------- notebook 07
# Pacing functions g(t) = b + (1 - b) r(min(t, t_full) / t_full), built as 07 builds them.

RAMPS_TO_ONE = [("linear", {}), ("cosine", {}), ("power", {"a": 0.5}), ("power", {"a": 2.0}),
                ("power", {"a": 5.0}), ("normalized_exponential", {"rate": 4.0}),
                ("normalized_exponential", {"rate": 10.0})]
STARTS = (0.05, 0.2, 0.5, 0.95)


def _pacing(ramp, steps, b, t_full, **params):
    """07's pacing: the ramp with max_weight 1 - b, lifted by b (Wu et al.'s "step" if None)."""
    t = np.arange(steps)
    if ramp is None:
        return np.where(t < t_full, b, 1.0)
    return b + dw.weight(ramp, t, t_full, max_weight=1 - b, **params)


def _hard_share(g, n=400, hard=0.4):
    """07's `exposure`: the share of the hardest `hard` of n examples among all draws."""
    n_in = np.floor(g * n)
    return np.mean(np.maximum(n_in - (1 - hard) * n, 0) / n_in)


@pytest.mark.parametrize("ramp, params", RAMPS_TO_ONE)
def test_07_every_ramp_to_one_makes_a_pacing_from_b_to_one(ramp, params):
    """07: a ramp that reaches 1 gives a pacing that starts at b, rises, reaches 1 at t_full
    and holds it: all data is in from t_full on."""
    for b in STARTS:
        for t_full in (1, 40, 800, 1000):
            g = _pacing(ramp, 1200, b, t_full, **params)
            assert g[0] == pytest.approx(b, abs=1e-15)
            assert np.all(np.diff(g) >= -1e-15)
            assert np.all(np.abs(g[t_full:] - 1) < 1e-12)
            assert g[t_full - 1] < 1 or t_full == 1


def test_07_exponential_pacing_leaves_the_hardest_out():
    """07: the exponential ramp ends at 1 - e^-4 = 0.98168, so its pacing stops at
    b + (1 - b)(1 - e^-4) (0.9853 for b = 0.2) and the hardest 1.5 % never come in."""
    for b in STARTS:
        g = _pacing("exponential", 2000, b, 800)
        assert np.allclose(g[800:], b + (1 - b) * (1 - np.exp(-4)), rtol=0, atol=1e-15)
    g = _pacing("exponential", 1000, 0.2, 800)
    assert round(g[-1], 4) == 0.9853 and round(100 * (1 - g[-1]), 1) == 1.5


def test_07_step_pacing_is_the_power_ramp_as_a_grows():
    """07's table of Wu et al.'s pacings: the step (b until t_full, then 1) is the limit of
    the power pacing as a grows; over whole steps it is reached exactly for a large a."""
    step = _pacing(None, 1000, 0.2, 800)
    gaps = [np.max(np.abs(_pacing("power", 1000, 0.2, 800, a=a) - step))
            for a in (2.0, 10.0, 100.0, 1e4, 1e6)]
    assert np.all(np.diff(gaps[:-1]) < 0)
    assert gaps[-1] == 0


def test_07_wu_exp_pacing_is_the_mirrored_normalized_exponential():
    """07, Exercise 3: Wu et al.'s exp pacing (e^{10p} - 1)/(e^10 - 1) (utils.py of
    google-research/understanding-curricula, c = 10) is 1 - r(T - t) for the normalized
    exponential ramp r with rate 10, and lies below the quadratic at every step."""
    for T in (10, 800, 1000):
        t = np.arange(T + 1)
        p = t / T
        theirs = np.expm1(10 * p) / np.expm1(10)
        ours = 1 - dw.weight("normalized_exponential", t, T, rate=10, decay="reversal")
        assert np.allclose(ours, theirs, rtol=0, atol=1e-14)
        assert np.all(ours <= p ** 2 + 1e-15)


def test_07_sqrt_competence_squared_is_a_linear_pacing():
    """07, Exercise 2: Platanios et al.'s competence min(1, sqrt(t (1 - c0^2)/T + c0^2)) is
    the square root of the linear pacing with b = c0^2, and never above the square-root
    pacing with b = c0."""
    for c0 in (0.01, 0.1, 0.3, 0.7):
        for T in (50, 1000):
            t = np.arange(2 * T)
            theirs = np.minimum(1, np.sqrt(t * (1 - c0 ** 2) / T + c0 ** 2))
            ours = np.sqrt(_pacing("linear", 2 * T, c0 ** 2, T))
            assert np.allclose(ours, theirs, rtol=0, atol=1e-14)
            assert np.all(ours <= _pacing("power", 2 * T, c0, T, a=0.5) + 1e-12)


def test_07_later_pacing_draws_fewer_hard_examples():
    """07, sections 2 and 6: the later a pacing lets the data in, the smaller the share of
    the hardest 40 % among the draws: square root > linear > quadratic > step, for every
    start b < 0.6 and hand-in point; standard training (g = 1) draws 40 %."""
    assert _hard_share(np.ones(1000)) == pytest.approx(0.4)
    for b in (0.05, 0.2, 0.4, 0.55):
        for t_full in (100, 500, 800, 1000):
            shares = [_hard_share(_pacing("power", 1000, b, t_full, a=0.5)),
                      _hard_share(_pacing("linear", 1000, b, t_full)),
                      _hard_share(_pacing("power", 1000, b, t_full, a=2.0)),
                      _hard_share(_pacing(None, 1000, b, t_full))]
            assert np.all(np.diff(shares) < 0), shares
            assert shares[0] < 0.4


def test_07_pacing_draws_easy_examples_more_and_hard_ones_less():
    """07, section 2: under a pacing with b < 1 the easiest example is drawn more often than
    in standard training and the hardest less, and the draws never grow with difficulty."""
    n, batch = 400, 32
    for ramp, params in RAMPS_TO_ONE:
        for b in (0.05, 0.2, 0.5, 0.95):
            g = _pacing(ramp, 1000, b, 800, **params)
            n_in = np.floor(g * n)[:, None]
            draws = ((np.arange(n)[None, :] < n_in) * (batch / n_in)).sum(0)
            relative = draws / (len(g) * batch / n)
            assert relative[0] > 1 > relative[-1]
            assert np.all(np.diff(relative) <= 1e-12)
