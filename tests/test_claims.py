"""Claims the notebooks make in prose, checked over the whole range they speak of.

A notebook keeps the checks that teach (a printed number beside its closed form). A check
that only guards a sentence ("for every T the slider offers", "for every rate") lives here:
one test per claim, named after the notebook and the claim, importing the same module, so
that it fails when the claim breaks. Expected values are closed forms written out with
``math``, never the module's own formula called again.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import dynweights as dw

# --------------------------------------------------------------------------- 03, 04, 05
# Notebooks 03 Power, 04 Exponential and 05 Comparison. The helpers of this block start
# with _nb0305_.

_NB0305_FRACTIONS = np.linspace(0.0, 1.0, 21)


def _nb0305_shape_depends_on_params_alone(method, **params):
    """w_t / w at the same p is the same for every T the slider offers (1 to 1000) and for
    w at the slider's ends and start (0.1, 2, 1): T and w only stretch the axes."""
    reference = dw.weight(method, 100 * _NB0305_FRACTIONS, 100, 1.0, **params)
    cases = [(T, w) for T in range(1, 1001) for w in (0.1, 1.0, 2.0)]
    got = np.array([dw.weight(method, T * _NB0305_FRACTIONS, T, w, **params) / w
                    for T, w in cases])
    bad = ~np.isclose(got, reference, rtol=1e-12, atol=0).all(axis=1)
    assert not bad.any(), f"{method}, {params}: differs at (T, w) = {cases[np.argmax(bad)]}"


def _nb0305_exponential_crossing(rate=4.0):
    """The p in (0, 1) where 1 - e^(-rate p) = p, by bisection on the closed form."""
    lo, hi = 0.5, 1.0  # above the line at 0.5, below it at 1 (for rate 4)
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if -math.expm1(-rate * mid) > mid else (lo, mid)
    return (lo + hi) / 2


# 03 Power

def test_03_power_shape_depends_on_a_alone():
    """03, sliders: T and w only stretch the axes; the shape depends on a alone
    (a at the slider's ends and start, and one a < 1)."""
    for a in (0.1, 0.5, 2.0, 6.0):
        _nb0305_shape_depends_on_params_alone("power", a=a)


def test_03_power_with_a_1_is_the_linear_ramp_bit_for_bit():
    """03, section 4: p^1 = p exactly in floating point, so the schedules agree element by
    element (tests/test_dynweights.py checks them within 1e-15 only)."""
    for T in (1, 7, 100, 1000, 12345):
        assert np.array_equal(dw.schedule("power", T, a=1.0), dw.schedule("linear", T))
        for t in (0, 1, T / 3, T / 2, T):
            assert dw.power(t, T, 2.5, a=1.0) == dw.linear(t, T, 2.5)


def test_03_a_and_1_over_a_are_mirror_images_in_p_and_w_over_w_only():
    """03, section 7: p^(1/a) undoes p^a, so the curves for a and 1/a are mirror images
    across the diagonal in (p, w_t / w); in steps and weights they are not."""
    p = np.linspace(0.0, 1.0, 201)
    for a in (0.25, 0.5, 2.0, 3.0, 4.0):
        curve = dw.power(p, 1.0, a=a)
        np.testing.assert_allclose(dw.power(curve, 1.0, a=1 / a), p, rtol=0, atol=1e-12)
    T, w = 100, 3.0
    t = np.arange(T + 1)
    reflected = dw.power(dw.schedule("power", T, w, a=2.0), T, w, a=0.5)
    assert np.max(np.abs(reflected - t)) > 10  # steps


def test_03_power_slope_at_0_unbounded_below_1_zero_above():
    """03, slope at 0: the forward difference (w_h - w_0)/h, in units of w/T, grows without
    bound for a < 1 (by 10^(1 - a) for each tenfold smaller h), is 1 for a = 1 and goes to 0
    for a > 1."""
    T, w = 100, 1.0
    hs = 10.0 ** -np.arange(0, 7)
    for a in (0.25, 0.5, 0.9, 1.0, 1.5, 2.0, 4.0):
        quotients = np.array([(dw.power(h, T, w, a=a) - dw.power(0, T, w, a=a)) / h * T / w
                              for h in hs])
        # a geometric sequence: unbounded for a < 1, constant for a = 1, to 0 for a > 1
        np.testing.assert_allclose(quotients[1:] / quotients[:-1], 10 ** (1 - a), rtol=1e-9)
        if a == 1:
            np.testing.assert_allclose(quotients, 1.0, rtol=1e-9)


def test_03_power_a_half_jumps_in_the_first_step():
    """03, slope at 0: after one step of a 100-step ramp with a = 1/2 the weight is w/10;
    the linear ramp needs 10 steps for that, a = 2 needs 32."""
    T = 100
    assert math.isclose(dw.power(1, T, a=0.5), 0.1, rel_tol=1e-12)
    first = {a: int(np.argmax(dw.schedule("power", T, a=a) >= 0.1 - 1e-12))
             for a in (0.5, 1.0, 2.0)}
    assert first == {0.5: 1, 1.0: 10, 2.0: 32}


def test_03_mean_weight_error_shrinks_as_its_docstring_says():
    """03, Going deeper, and dw.mean_weight's docstring: a tenfold T divides the trapezoid
    rule's error by 100 for a continuous ramp with a bounded slope, by 10^(1 + a) for the
    power ramp with a < 1 (and its decays), and by 10 for `cyclical` when its cycles end on
    steps."""
    e = math.exp
    means = [  # (method, params, decay, exact mean for w = 1, tenfold-T error ratio)
        ("power", {"a": 0.25}, None, 1 / 1.25, 10 ** 1.25),
        ("power", {"a": 0.5}, None, 1 / 1.5, 10 ** 1.5),
        ("power", {"a": 0.5}, "reversal", 1 / 1.5, 10 ** 1.5),
        ("power", {"a": 0.5}, "complement", 0.5 / 1.5, 10 ** 1.5),
        ("power", {"a": 1.5}, None, 1 / 2.5, 100),
        ("power", {"a": 2.0}, None, 1 / 3, 100),
        ("power", {"a": 3.0}, None, 1 / 4, 100),
        ("exponential", {}, None, 1 - (1 - e(-4)) / 4, 100),
        ("exponential", {"rate": 10.0}, "reversal", 1 - (1 - e(-10)) / 10, 100),
        ("normalized_exponential", {}, None, (1 - (1 - e(-4)) / 4) / (1 - e(-4)), 100),
        ("sigmoid", {}, None, math.sqrt(math.pi / 5) / 2 * math.erf(math.sqrt(5)), 100),
        ("logistic", {}, None, math.log(math.cosh(5)) / 5, 100),
        ("cyclical", {}, None, 0.75, 10),                      # 4 cycles end on steps
        ("cyclical", {"cycles": 5, "ratio": 0.4}, None, 0.8, 10),
    ]
    for method, params, decay, exact, ratio in means:
        errors = [abs(dw.mean_weight(method, T, decay=decay, **params) - exact)
                  for T in (1000, 10_000)]
        assert errors[1] > 0, (method, params, decay)
        assert math.isclose(errors[0] / errors[1], ratio, rel_tol=0.02), \
            (method, params, decay, errors[0] / errors[1], ratio)


# 04 Exponential

def test_04_exponential_shape_depends_on_rate_alone():
    """04, sliders: for both exponential ramps T and w only stretch the axes (rates at the
    slider's ends and start)."""
    for method in ("exponential", "normalized_exponential"):
        for rate in (0.1, 4.0, 10.0):
            _nb0305_shape_depends_on_params_alone(method, rate=rate)


def test_04_exponential_is_accurate_where_rate_times_p_is_tiny():
    """04, the code and Going deeper: dw.exponential keeps every digit of 1 - e^(-rate p) for
    a tiny rate p, where 1 - exp(-x) written out loses about half of them."""
    for x in (1e-6, 1e-10, 1e-12, 1e-15):
        series = x - x ** 2 / 2 + x ** 3 / 6  # 1 - e^-x; the next term, x^4/24, is negligible
        got = dw.exponential(x / 4, 1.0)      # rate 4, T = 1: rate p = x
        assert abs(got - series) <= 4e-16 * series, (x, got)
    x = 1e-10
    assert abs((1 - math.exp(-x)) - x) > 1e-8 * x  # what the naive formula loses


def test_04_exponential_solves_its_differential_equation():
    """04, check: dw_t/dt = (rate / T)(w - w_t), and every T / rate steps (one time constant)
    the distance to w shrinks by the factor e."""
    T, w, h = 100, 2.0, 1e-3
    for rate in (1.0, 4.0, 10.0):
        for t in np.linspace(1, 90, 12):
            slope = (dw.exponential(t + h, T, w, rate=rate)
                     - dw.exponential(t - h, T, w, rate=rate)) / (2 * h)
            assert math.isclose(slope, rate / T * (w - dw.exponential(t, T, w, rate=rate)),
                                rel_tol=1e-6)
        t = 3.0
        gap = w - dw.exponential(t, T, w, rate=rate)
        later = w - dw.exponential(t + T / rate, T, w, rate=rate)
        if t + T / rate <= T:
            assert math.isclose(gap / later, math.e, rel_tol=1e-12)


def test_04_exponential_above_linear_until_p_0_980_then_below():
    """04, the picture: the exponential ramp (rate 4) is above the linear ramp for
    0 < p < 0.980 and below it from there to T; it reaches w/2 before a fifth of the run, and
    over the last fifth gains 0.0224 w against the linear ramp's 0.2 w."""
    crossing = _nb0305_exponential_crossing()
    assert round(crossing, 3) == 0.980
    T = 100_000
    p = np.arange(T + 1) / T
    above = dw.schedule("exponential", T) - dw.schedule("linear", T)
    assert np.all(above[(p > 0) & (p < crossing - 1e-9)] > 0)
    assert np.all(above[(p > crossing + 1e-9) & (p <= 1)] < 0)
    assert dw.step_at("exponential", 0.5, 1.0) < 0.2
    assert round(dw.exponential(1.0, 1.0) - dw.exponential(0.8, 1.0), 4) == 0.0224


def test_04_doubling_the_rate_halves_the_half_way_step_and_squares_the_shortfall():
    """04, the rate knob: doubling the rate halves the half-way step and squares the
    fraction still missing at T."""
    T = 1000
    for rate in np.linspace(0.75, 10, 38):
        short, short_doubled = (1 - dw.exponential(T, T, rate=rate),
                                1 - dw.exponential(T, T, rate=2 * rate))
        assert math.isclose(short_doubled, short ** 2, rel_tol=1e-6)  # 1 - w_T: cancellation
        assert math.isclose(dw.step_at("exponential", 0.5, T, rate=2 * rate),
                            dw.step_at("exponential", 0.5, T, rate=rate) / 2, rel_tol=1e-9)


def test_04_below_rate_ln_2_the_exponential_never_reaches_half_of_w():
    """04, the rate knob: below rate ln 2 the plain exponential never reaches w/2 (with
    rate 0.5 it ends at 0.39 w); above it, it does, at T ln 2 / rate."""
    T = 1000
    for rate in np.linspace(0.05, 10, 200):
        half = dw.step_at("exponential", 0.5, T, rate=rate)
        if rate < math.log(2):
            assert half is None and dw.exponential(T, T, rate=rate) < 0.5
        else:
            assert math.isclose(half, T * math.log(2) / rate, rel_tol=1e-9)
    assert round(dw.exponential(T, T, rate=0.5), 2) == 0.39


def test_04_normalized_exponential_is_linear_plus_rate_over_2_p_1_minus_p():
    """04, Going deeper: as the rate goes to 0 the normalized exponential is the linear ramp
    plus (rate / 2) p (1 - p) + O(rate^2); its largest distance to the line tends to rate / 8."""
    T = 1000
    linear = dw.schedule("linear", T)
    gaps = []
    for rate in (4.0, 1.0, 0.1, 0.01, 0.001):
        difference = dw.schedule("normalized_exponential", T, rate=rate) - linear
        gaps.append(np.max(np.abs(difference)))
        if rate <= 0.1:
            assert math.isclose(gaps[-1] / (rate / 8), 1, rel_tol=0.01)
            correction = difference / (rate / 2)
            np.testing.assert_allclose(correction, linear * (1 - linear), rtol=0, atol=rate)
    assert all(np.diff(gaps) < 0)
    assert dw.exponential(T, T, rate=0.001) < 0.001  # the plain one flattens towards 0


def test_04_normalized_exponential_reaches_half_of_w_before_the_plain_one():
    """04, Going deeper: the normalized exponential's half-way step is
    T ln(2 / (1 + e^-rate)) / rate, earlier than the plain ramp's T ln 2 / rate wherever the
    plain ramp reaches w/2 at all (200 rates from 0.05 to 10)."""
    T = 100
    for rate in np.linspace(0.05, 10, 200):
        normalized = dw.step_at("normalized_exponential", 0.5, T, rate=rate)
        plain = dw.step_at("exponential", 0.5, T, rate=rate)  # None below rate ln 2
        assert math.isclose(normalized, T * math.log(2 / (1 + math.exp(-rate))) / rate,
                            rel_tol=1e-9)
        assert plain is None or normalized < plain


# 05 Comparison

def test_05_where_the_four_ramps_cross():
    """05, section 1: the cosine is below the linear ramp before T/2 and above it after;
    the power ramp (a = 2) is below both inside the ramp; the exponential (rate 4) is ahead of
    the cosine, linear and power ramps until p = 0.893, 0.980 and 0.990, behind after."""
    T = 100_000
    p = np.arange(T + 1) / T
    inside = (p > 0) & (p < 1)
    ramps = {m: dw.schedule(m, T) for m in dw.BASIC_METHODS}  # a = 2, rate 4
    assert np.all(ramps["cosine"][inside & (p < 0.5)] < ramps["linear"][inside & (p < 0.5)])
    assert np.all(ramps["cosine"][inside & (p > 0.5)] > ramps["linear"][inside & (p > 0.5)])
    for m in ("linear", "cosine"):
        assert np.all(ramps["power"][inside] < ramps[m][inside])
    for m, where in (("cosine", 0.893), ("linear", 0.980), ("power", 0.990)):
        ahead = ramps["exponential"] - ramps[m]
        cross = p[inside][np.argmax(ahead[inside] <= 0)]  # first step it is not ahead
        assert round(cross, 3) == where, (m, cross)
        assert np.all(ahead[inside & (p < cross)] > 0)
        assert np.all(ahead[inside & (p > cross)] < 0)


def test_05_slider_experiments():
    """05, the sliders' things to try, over the sliders' ranges: a lower rate ends the
    exponential further below w; a larger a moves the power ramp's half-way step later and a
    larger rate the exponential's earlier."""
    T = 100
    rates = np.arange(0.1, 10.05, 0.1)
    ends = [dw.exponential(T, T, rate=rate) for rate in rates]
    assert all(np.diff(ends) > 0) and ends[-1] < 1
    exponents = np.arange(0.1, 6.05, 0.05)
    halves = [dw.step_at("power", 0.5, T, a=a) for a in exponents]
    assert all(np.diff(halves) > 0)
    halves = [dw.step_at("exponential", 0.5, T, rate=rate) for rate in rates if rate > 0.7]
    assert all(np.diff(halves) < 0)


def test_05_equal_budgets_push_a_blend_weight_past_1():
    """05, section 4: the power ramp (a = 2) spends the linear ramp's budget only with
    w = 3/2, and then passes 1 at p = sqrt(2/3), where a convex blend (1 - w_t) L1 + w_t L2
    stops being one; the exponential needs w = 0.6626 and stays below 1."""
    T = 10_000
    linear = dw.mean_weight("linear", T)
    assert math.isclose(dw.mean_weight("power", T, 1.5), linear, rel_tol=1e-6)
    assert math.isclose(dw.step_at("power", 1.0, T, 1.5) / T, math.sqrt(2 / 3), rel_tol=1e-9)
    w_exp = 0.5 / (1 - (1 - math.exp(-4)) / 4)
    assert math.isclose(dw.mean_weight("exponential", T, w_exp), linear, rel_tol=1e-6)
    assert round(w_exp, 4) == 0.6626 and dw.exponential(T, T, w_exp) < 1


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


# --------------------------------------------------------------------------- 08
# Notebook 08 Annealing: the decays of section 1. The helpers of this block start with _nb08_.

_NB08_CASES = [(T, w) for T in (1, 2, 7, 100, 2000) for w in (0.5, 1.0, 2.0)]


def _nb08_closed_forms(t, T, w, a=2.0, rate=4.0):
    """Section 1's table at step t, written out: (ramp, decay) -> value."""
    p = min(t, T) / T
    return {
        ("linear", "reversal"): w * (1 - p),
        ("linear", "complement"): w * (1 - p),
        ("cosine", "reversal"): w * (1 + math.cos(math.pi * p)) / 2,
        ("cosine", "complement"): w * (1 + math.cos(math.pi * p)) / 2,
        ("power", "reversal"): w * (1 - p) ** a,
        ("power", "complement"): w * (1 - p ** a),
        ("exponential", "reversal"): w * (1 - math.exp(-rate * (1 - p))),
        ("exponential", "complement"): w * math.exp(-rate * p),
    }


def test_08_decay_table_closed_forms():
    """08, section 1: every decay of the table equals its closed form at every step of
    dw.schedule, and the scalar dw.weight agrees (at every step up to T = 100, then at 51)."""
    for T, w in _NB08_CASES:
        curves = {key: dw.schedule(key[0], T, w, decay=key[1])
                  for key in _nb08_closed_forms(0, T, w)}
        scalar_steps = set(range(0, T + 1, max(1, T // 50)))
        for t in range(T + 1):
            for (method, how), value in _nb08_closed_forms(t, T, w).items():
                assert math.isclose(curves[method, how][t], value, rel_tol=1e-12, abs_tol=1e-15)
                if t in scalar_steps:
                    assert math.isclose(dw.weight(method, t, T, w, decay=how), value,
                                        rel_tol=1e-12, abs_tol=1e-15)


def test_08_reversal_equals_complement_for_linear_and_cosine_only():
    """08, section 1: "Linear and cosine are point-symmetric, so both columns agree"; for
    power (a = 2, and a = 0.5) and exponential they differ."""
    for T, w in _NB08_CASES:
        for method, params in (("linear", {}), ("cosine", {}), ("power", {"a": 2.0}),
                               ("power", {"a": 0.5}), ("exponential", {"rate": 4.0})):
            gap = np.max(np.abs(dw.schedule(method, T, w, decay="reversal", **params)
                                - dw.schedule(method, T, w, decay="complement", **params)))
            if method in ("linear", "cosine"):
                assert gap <= 1e-14 * w, (method, T, w)
            elif T > 1:
                assert gap > 0.1 * w, (method, params, T, w)


def test_08_exponential_decays_miss_their_ends():
    """08, section 1: "its reversal starts at 0.98168 w, and its complement ends at e^-4 w, not
    at 0"; the reversal does reach 0 and the complement starts at w."""
    for T, w in _NB08_CASES:
        rev = dw.schedule("exponential", T, w, decay="reversal")
        comp = dw.schedule("exponential", T, w, decay="complement")
        assert round(rev[0] / w, 5) == 0.98168 and rev[0] < w and rev[-1] == 0.0
        assert math.isclose(comp[-1], w * math.exp(-4), rel_tol=1e-12) and comp[0] == w


def test_08_exponential_complement_is_geometric_cooling():
    """08, section 1 and Summary: the exponential's complement is tau0 alpha^t with
    alpha = e^(-rate / T), every step multiplying the temperature by the same alpha."""
    tau0 = 2.0
    for T in (10, 100, 2000, 8000):
        for rate in (0.5, 4.0, math.log(200)):
            curve = dw.schedule("exponential", T, tau0, decay="complement", rate=rate)
            alpha = math.exp(-rate / T)
            assert np.allclose(curve[1:] / curve[:-1], alpha, rtol=1e-12, atol=0)
            assert np.allclose(curve, [tau0 * alpha ** t for t in range(T + 1)], rtol=1e-12,
                               atol=0)


def test_08_power_decays_at_half_way():
    """08, after the numbers: "At T/2 the power decays give (1/2)^2 and 1 - (1/2)^2"."""
    assert math.isclose(dw.weight("power", 50, 100, decay="reversal"), 0.25, abs_tol=1e-15)
    assert math.isclose(dw.weight("power", 50, 100, decay="complement"), 0.75, abs_tol=1e-15)
