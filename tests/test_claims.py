"""Claims the notebooks make in prose, checked over the whole range they speak of.

A notebook keeps the checks that teach (a printed number beside its closed form). A check
that only guards a sentence ("for every T the slider offers", "for every rate") lives here:
one test per claim, named after the notebook and the claim, importing the same module, so
that it fails when the claim breaks. Expected values are closed forms written out with
``math``, never the module's own formula called again.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import dynweights as dw

ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- notebooks 00-02
# Helpers of this block: the values the sliders of `dw.explore` offer.

SLIDER_T = range(1, 1001)                                   # IntSlider 1..1000
SLIDER_W = np.round(np.arange(1, 21) * 0.1, 1)              # FloatSlider 0.1..2.0, step 0.1


def _code_cells(name):
    nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in nb["cells"] if cell["cell_type"] == "code"]


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")))
def test_notebooks_read_no_package_metadata(name):
    """Every notebook runs wherever `import dynweights` works (PYTHONPATH=., nothing installed):
    none asks for the installed distribution's metadata."""
    for source in _code_cells(name):
        for needle in ("importlib.metadata", "importlib_metadata", "pkg_resources",
                       "dw.__version__"):
            assert needle not in source, f"{name} reads package metadata: {needle}"


@pytest.mark.parametrize("method", dw.METHODS)
def test_00_weight_over_w_is_a_function_of_p_alone(method):
    """00 section 3: every ramp is w times a function of p, so T and w only stretch the axes."""
    fractions = np.array([0.0, 0.1, 0.25, 0.5, 0.9, 1.0, 1.5])
    reference = dw.weight(method, 100 * fractions, 100, 1.0)
    for T, w in [(10, 2.0), (1000, 0.3), (37, 5.0), (40, 5.0)]:
        np.testing.assert_allclose(dw.weight(method, T * fractions, T, w) / w, reference,
                                   rtol=1e-12, atol=1e-15)


def test_00_cosine_at_a_tenth_is_its_closed_form():
    """00 section 3: the cosine ramp at p = 1/10 is (1 - cos(pi/10))/2 = 0.024472."""
    for T, w in [(100, 1.0), (1000, 0.3), (40, 5.0)]:
        assert np.isclose(dw.weight("cosine", T / 10, T, w) / w, (1 - np.cos(np.pi / 10)) / 2,
                          rtol=1e-14)
    assert f"{(1 - np.cos(np.pi / 10)) / 2:.6f}" == "0.024472"


@pytest.mark.parametrize("T", [1, 2, 7, 100, 1000, 12345])
def test_00_three_ramps_end_at_w_the_exponential_short(T):
    """00 section 5: all four start at 0; linear, cosine and power end exactly at w; the
    exponential ends at w (1 - e^-4) = 0.98168 w; at T/2: w/2, w/2, w/4, 0.86 w."""
    w = 0.7
    for method in dw.BASIC_METHODS:
        s = dw.schedule(method, T, w)
        assert s[0] == 0.0, method
        assert dw.weight(method, T / 2, T, w) == pytest.approx(
            {"linear": w / 2, "cosine": w / 2, "power": w / 4,
             "exponential": w * (1 - np.exp(-2))}[method], rel=1e-12)
        if method == "exponential":
            assert s[-1] == pytest.approx(w * (1 - np.exp(-4)), rel=1e-14)
            assert s[-1] < w and f"{s[-1] / w:.5f}" == "0.98168"
        else:
            assert s[-1] == w, method
    assert f"{1 - np.exp(-2):.2f}" == "0.86" and f"{100 * np.exp(-4):.2f}" == "1.83"


def test_00_exponential_decays_do_not_run_from_w_to_0():
    """00 glossary and Going deeper: both decays run from w to 0 for linear, cosine and power;
    the exponential's reversal starts at 0.98168 w and its complement ends at 0.0183 w."""
    T, w = 100, 2.0
    for method in ("linear", "cosine", "power"):
        for decay in dw.DECAYS:
            s = dw.schedule(method, T, w, decay=decay)
            assert s[0] == w and s[-1] == 0.0, (method, decay)
    reversal = dw.schedule("exponential", T, w, decay="reversal")
    complement = dw.schedule("exponential", T, w, decay="complement")
    assert f"{reversal[0] / w:.5f}" == "0.98168" and reversal[-1] == 0.0
    assert complement[0] == w and f"{complement[-1] / w:.4f}" == "0.0183"


def test_00_power_decays_differ_and_linear_cosine_coincide():
    """00 Going deeper: reversal and complement give the same curve for linear and cosine,
    different curves for the power ramp."""
    T, w = 4, 1.0
    for method in ("linear", "cosine"):
        np.testing.assert_allclose(dw.schedule(method, T, w, decay="reversal"),
                                   dw.schedule(method, T, w, decay="complement"), atol=1e-15)
    ramp = dw.schedule("power", T, w)
    assert np.array_equal(dw.schedule("power", T, w, decay="reversal"), ramp[::-1])
    assert np.array_equal(dw.schedule("power", T, w, decay="complement"), w - ramp)
    assert not np.allclose(ramp[::-1], w - ramp)


def test_00_a_step_counted_per_epoch_restarts_the_ramp():
    """00 section 6: counted over the run the weight reaches w; counted by the batch index
    of each epoch it climbs to the same 0.172 every epoch and never gets near w."""
    T, w, batches, epochs = 1000, 0.5, 400, 3
    over_the_run = dw.cosine(np.arange(epochs * batches), T, w)
    per_epoch = dw.cosine(np.tile(np.arange(batches), epochs), T, w)
    assert over_the_run[-1] == w
    assert per_epoch[batches] == 0.0
    assert per_epoch.max() == dw.cosine(batches - 1, T, w) < 0.35 * w
    assert f"{per_epoch.max():.3f}" == "0.172"


def test_00_a_precomputed_table_gives_the_per_step_weights():
    """00 Going deeper: dw.schedule looked up at min(step, T) gives the weights of the
    per-step calls, past T too."""
    T, w = 1000, 0.5
    steps = np.arange(int(1.2 * T))
    per_step = np.array([dw.cosine(int(step), T, w) for step in steps])
    assert np.array_equal(dw.schedule("cosine", T, w)[np.minimum(steps, T)], per_step)


def test_01_increments_equal_w_over_T_to_rounding():
    """01 section 4: the linear schedule's increments equal w/T to about 2e-16 (T = 1000, w = 2)."""
    T, w = 1000, 2.0
    increments = np.diff(dw.schedule("linear", T, w))
    assert np.abs(increments - w / T).max() <= 2.3e-16


def test_01_power_with_a_1_is_the_linear_ramp_for_every_slider_value():
    """01 section 6: at a = 1 the power curve *is* the linear ramp and hides it, for every
    T and w the sliders offer."""
    for T in SLIDER_T:
        for w in SLIDER_W:
            assert np.array_equal(dw.schedule("power", T, w, a=1.0),
                                  dw.schedule("linear", T, w)), (T, w)


def test_01_T_and_w_only_stretch_the_linear_ramp():
    """01 section 6: dragging T and w moves the axes only: w_t/w at the same p is the same
    for every T and w the sliders offer."""
    fractions = np.linspace(0, 1, 11)
    reference = dw.weight("linear", 100 * fractions, 100, 1.0)
    for T in SLIDER_T:
        ratios = np.array([dw.weight("linear", T * fractions, T, w) / w for w in SLIDER_W])
        assert np.allclose(ratios, reference, rtol=1e-12, atol=1e-15), T


@pytest.mark.parametrize("T", [1, 2, 9, 10, 100, 1000, 10000])
def test_01_what_a_range_T_loop_applies(T):
    """01 section 8: the T + 1 values average w/2, the T weights of range(T) average
    w/2 - w/(2T) and end at w (T-1)/T; Exercise 3: a ramp over T - 1 steps ends range(T) at w."""
    w = 2.0
    s = dw.schedule("linear", T, w)
    assert len(s) == T + 1 and len(s[:-1]) == len(range(T))
    assert np.isclose(s.mean(), w / 2, rtol=1e-12)
    assert np.isclose(s[:-1].mean(), w / 2 - w / (2 * T), rtol=1e-12, atol=1e-15)
    assert np.isclose((w / 2 - s[:-1].mean()) * T, w / 2, rtol=1e-9)
    assert np.isclose(s[-2], w * (T - 1) / T, rtol=1e-15, atol=0) and s[-2] < w
    if T > 1:
        shorter = dw.schedule("linear", T - 1, w)
        assert len(shorter) == len(range(T)) and shorter[-1] == w


def test_01_the_weight_holds_past_T_and_the_continued_line_would_drift():
    """01 section 9: dynweights holds w past T; the line continued would be 1.5 w at 1.5 T
    and 2 w at 2 T."""
    T, w = 1000, 2.0
    s = dw.schedule("linear", T, w)
    later = np.array([T, T + 1, 1.2 * T, 1.5 * T, 2 * T, 10 * T])
    assert np.all(dw.weight("linear", later, T, w) == w)
    continued = s[T] + (s[T] - s[T - 1]) * (later - T)
    np.testing.assert_allclose(continued[[3, 4]], [1.5 * w, 2 * w], rtol=1e-9)


def test_01_warmup_is_the_linear_ramp_scaled_and_lifted():
    """01 Going deeper: a warm-up from w/k with equal increments to w at T is
    w/k + (1 - 1/k) w t/T, above the ramp by (w/k)(1 - t/T)."""
    for T, w, k in [(100, 1.0, 8), (1000, 0.5, 3), (7, 2.0, 32)]:
        ramp = dw.schedule("linear", T, w)
        warmup = np.linspace(w / k, w, T + 1)
        np.testing.assert_allclose(warmup, w / k + (1 - 1 / k) * ramp, rtol=1e-14)
        np.testing.assert_allclose(warmup - ramp, (w / k) * (1 - ramp / w), atol=1e-15)


@pytest.mark.parametrize("cycles, ratio, length", [(4, 0.5, 20), (3, 0.25, 40), (2, 1.0, 10)])
def test_01_each_cyclical_cycle_starts_with_the_linear_ramp(cycles, ratio, length):
    """01 Going deeper: each cycle of dw.cyclical is the linear ramp over its first `ratio`
    of the cycle, then w until the cycle ends."""
    w = 1.0
    rise = round(ratio * length)
    s = dw.schedule("cyclical", cycles * length, w, cycles=cycles, ratio=ratio)
    for n in range(cycles):
        start = n * length
        np.testing.assert_allclose(s[start:start + rise], dw.schedule("linear", rise, w)[:-1],
                                   atol=1e-15)
        assert np.all(s[start + rise:start + length] == w)  # the hold (empty for ratio 1)
    assert s[-1] == w


def test_02_cosine_adds_little_at_the_ends_and_pi_over_2_times_linear_in_the_middle():
    """02 section 1 (T = 100, w = 1): near both ends the cosine adds a few ten-thousandths per
    step against linear's steady 0.01 (then 0 past T); in the middle 0.0157, about pi/2 times."""
    T, w = 100, 1.0
    linear, cosine = (np.diff(dw.weight(m, np.arange(T + 2), T, w)) for m in ("linear", "cosine"))
    assert np.allclose(linear[:T], w / T) and np.all(linear[T:] == 0)
    for t in (0, 1, T - 2, T - 1):
        assert 1e-4 < cosine[t] < 1e-3, t
    assert np.all(cosine[T:] == 0)
    assert cosine.argmax() in (T // 2 - 1, T // 2) and f"{cosine.max():.4f}" == "0.0157"
    assert np.isclose(cosine.max() / (w / T), np.pi / 2, rtol=1e-3)


def test_02_cosine_below_then_above_linear_by_the_same_amounts():
    """02 section 6: for every T and w the sliders offer, the curves cross at (T/2, w/2), the
    cosine is below the line in the first half and above it in the second, by the same amounts."""
    for T in SLIDER_T:
        t = np.arange(T + 1)
        first, second = (0 < t) & (t < T / 2), (T / 2 < t) & (t < T)
        gap = np.array([dw.schedule("linear", T, w) - dw.schedule("cosine", T, w)
                        for w in SLIDER_W])                 # one row per w
        assert np.all(gap[:, first] > 0) and np.all(gap[:, second] < 0), T
        assert np.abs(gap + gap[:, ::-1]).max() <= 1e-15, T
        middle = [(dw.cosine(T / 2, T, w), dw.linear(T / 2, T, w)) for w in SLIDER_W]
        assert middle == [(w / 2, w / 2) for w in SLIDER_W], T


def test_02_cosine_is_exactly_w_over_2_at_T_over_2():
    """02 sections 3 and 7: the sine form gives exactly w/2 at T/2, from dw.weight and from
    dw.schedule, and dw.step_at returns exactly T/2."""
    for T in range(1, 2001):
        assert dw.cosine(T / 2, T) == 0.5, T
        if T % 2 == 0:
            assert dw.schedule("cosine", T)[T // 2] == 0.5, T
    for T in (2, 100, 1000, 1200, 999):
        assert dw.step_at("cosine", 0.5, T) == T / 2
    assert dw.cosine(500, 1000, 2.0) == 1.0 and dw.step_at("cosine", 1.0, 1000, 2.0) == 500


def test_02_textbook_form_is_one_ulp_below_half_and_what_an_ulp_is_at_half():
    """02 Going deeper: np.cos(np.pi / 2) is 6.1e-17; the textbook form at T/2 gives
    0.49999999999999994, the double just below 0.5, which is 2**-54 under it (the double just
    above is 2**-53 over it); the code gives 0.5."""
    assert f"{np.cos(np.pi / 2):.1e}" == "6.1e-17"
    textbook = (1 - np.cos(np.pi / 2)) / 2
    assert textbook == np.nextafter(0.5, 0.0) == 0.5 - 2.0 ** -54
    assert repr(float(textbook)) == "0.49999999999999994"
    assert np.nextafter(0.5, 1.0) - 0.5 == 2.0 ** -53 == np.spacing(0.5)
    assert dw.cosine(50, 100) == 0.5 > textbook


def test_02_angle_typed_as_pi_t_over_T_lands_on_either_side_for_some_T():
    """02 Going deeper: over the 1,000 even T from 2 to 2,000, np.pi * t / T at t = T/2 is
    exactly np.pi / 2 for 860, one double below for 74, one double above for 66, and only
    those 66 reach 1/2 at T/2 (the first: 26, 52, 94); the textbook form in p is late for all."""
    even_T = np.arange(2, 2001, 2)
    assert np.all((even_T // 2) / even_T == 0.5)          # p is exactly 1/2: angle np.pi / 2
    angles = np.pi * (even_T // 2) / even_T
    half = np.pi / 2
    assert np.sum(angles == half) == 860
    assert np.sum(angles == np.nextafter(half, 0.0)) == 74
    assert np.sum(angles == np.nextafter(half, 4.0)) == 66
    on_time = (1 - np.cos(angles)) / 2 >= 0.5
    assert on_time.sum() == 66 and list(even_T[on_time][:3]) == [26, 52, 94]
    assert np.array_equal(on_time, angles == np.nextafter(half, 4.0))
    # late by one step, not more, and the code is on time for every even T
    assert np.all((1 - np.cos(np.pi * (even_T // 2 + 1) / even_T)) / 2 >= 0.5)
    assert all(dw.cosine(T // 2, T) >= 0.5 for T in even_T)


def test_02_one_double_past_the_angle_is_7e_14_of_a_step():
    """02 Going deeper: the textbook form reaches 1/2 one double past np.pi / 2, 2.2e-16
    further, which is T/pi times that in steps: 7e-14 of a step for T = 1000."""
    one_past = np.nextafter(np.pi / 2, 4.0)
    assert (1 - np.cos(np.pi / 2)) / 2 < 0.5 <= (1 - np.cos(one_past)) / 2
    assert f"{one_past - np.pi / 2:.1e}" == "2.2e-16"
    assert f"{(one_past - np.pi / 2) * 1000 / np.pi:.0e}" == "7e-14"
    assert [np.sin(np.pi / 2), np.sin(-np.pi / 2), np.cos(0.0), np.cos(np.pi)] == [1, -1, 1, -1]
    assert dw.cosine(0, 1000) == 0.0 and dw.cosine(1000, 1000) == 1.0


def test_02_first_step_and_slope_errors_have_their_closed_forms():
    """02 section 7 and Going deeper: the first step adds pi^2/(4T) of linear's first step; the
    one-sided slope at 0 is about pi^2 w h/(4T^2); the central difference at T/2 is
    (w/2) sin(pi/T), (T/pi) sin(pi/T) ~ 1 - pi^2/(6T^2) times pi w/(2T), and steepest there."""
    for T in (100, 1000, 10000):
        w, h = 2.0, 1e-3
        first = dw.cosine(1, T, w) / dw.linear(1, T, w)
        assert np.isclose(first, np.pi ** 2 / (4 * T), rtol=1e-4)
        slope_0 = dw.cosine(h, T, w) / h
        assert np.isclose(slope_0, np.pi ** 2 * w * h / (4 * T ** 2), rtol=1e-3)
        gradient = np.gradient(dw.schedule("cosine", T, w))
        assert gradient.argmax() == T // 2
        assert np.isclose(gradient.max(), w / 2 * np.sin(np.pi / T), rtol=1e-9)
        assert np.isclose(gradient.max() / (np.pi * w / (2 * T)), 1 - np.pi ** 2 / (6 * T ** 2),
                          rtol=1e-8)


def test_02_an_unheld_cosine_gives_the_weight_back():
    """02 section 8: held, the weight stays w; continued, the cosine at a step t between T and
    2T equals the ramp at 2T - t (the notebook's table reads it there), so at 1.25 T, 1.5 T and
    2 T it is w (2 + sqrt 2)/4, w/2 and 0."""
    T, w = 1000, 2.0
    later = np.array([T, 1.1 * T, 1.25 * T, 1.5 * T, 2 * T])
    assert np.all(dw.weight("cosine", later, T, w) == w)
    unheld = dw.weight("cosine", 2 * T - later, T, w)
    past = np.linspace(T, 2 * T, 1001)
    np.testing.assert_allclose(dw.weight("cosine", 2 * T - past, T, w),
                               w * (1 - np.cos(np.pi * past / T)) / 2, atol=1e-14)
    np.testing.assert_allclose(unheld[2:], w * np.array([(2 + np.sqrt(2)) / 4, 0.5, 0.0]),
                               atol=1e-15)


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


def test_05_a_ramp_that_ends_at_w_passes_1_before_T_once_w_is_above_1():
    """05, section 4: scaled to a w above 1 (as equal budgets ask of a late ramp), a ramp that
    ends at its w passes 1 before T, where a blend (1 - w_t) L1 + w_t L2 stops being one.
    (How far the power and exponential ramps must be scaled is Exercise 1, checked in its
    solution.)"""
    T = 10_000
    for method in ("linear", "cosine", "power"):
        assert dw.weight(method, T, T, 1.0) == 1.0  # ends at its w
        for w in (1.001, 1.5, 3.0):
            passes = dw.step_at(method, 1.0, T, w)
            assert passes is not None and passes < T, (method, w, passes)


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


def _mcnemar_exact(only_a, only_b):
    """06's McNemar exact test: two-sided binomial test of the discordant seeds."""
    n, fewer = only_a + only_b, min(only_a, only_b)
    return min(1.0, 2 * sum(math.comb(n, k) for k in range(fewer + 1)) / 2 ** n)


def test_06_bonferroni_over_eleven_tests_keeps_only_the_9_to_0():
    # section 7: "asks each of the 11 tests for p < 0.05/11 = 0.0045: the switch against the
    # cosine ramp passes; GNC against the switch (p = 0.031) and the cosine ramp against the
    # late switch (p = 0.021) are leads"
    level = 0.05 / 11
    assert round(level, 4) == 0.0045
    assert _mcnemar_exact(9, 0) < level < 0.05
    for (only_a, only_b), p in [((6, 0), 0.031), ((9, 1), 0.021)]:
        assert round(_mcnemar_exact(only_a, only_b), 3) == p
        assert level < _mcnemar_exact(only_a, only_b) < 0.05
    # the timing gap, switch at 200 against switch at 1,200, passes with room
    assert _mcnemar_exact(17, 0) < level / 100


def _wilson(successes, n, z=1.96):
    """06's 95 % Wilson interval, as the notebook writes it."""
    centre = (successes + z ** 2 / 2) / (n + z ** 2)
    half = z * math.sqrt(successes * (n - successes) / n + z ** 2 / 4) / (n + z ** 2)
    return centre - half, centre + half


def test_06_wilson_interval_is_the_rates_under_which_the_count_is_not_surprising():
    # section 6: the rates q with |k - nq| <= 1.96 sqrt(nq(1 - q)); it stays inside [0, 1]
    q = np.linspace(0, 1, 200_001)
    for n in (100, 400):
        for k in (0, 1, 9, 50, 114, 391, n - 1, n):
            if k > n:
                continue
            low, high = _wilson(k, n)
            inside = q[np.abs(k - n * q) <= 1.96 * np.sqrt(n * q * (1 - q))]
            assert 0 <= low and high <= 1
            assert inside.min() == pytest.approx(low, abs=1e-5)
            assert inside.max() == pytest.approx(high, abs=1e-5)
    # section 10: "with 100 seeds a rate near 0.5 is uncertain by about +-0.10"
    low, high = _wilson(50, 100)
    assert round((high - low) / 2, 2) == 0.10


def test_06_a_held_weight_stays_at_its_end_and_zero_padding_does_not():
    # Going deeper: dw.weight holds past the ramp; np.pad of the schedule drops to 0
    held = dw.weight("cosine", np.arange(STEPS06), RAMP06)
    padded = np.pad(dw.schedule("cosine", RAMP06), (0, STEPS06 - RAMP06 - 1))
    assert len(held) == len(padded) == STEPS06
    assert np.all(held[RAMP06:] == 1.0) and np.all(padded[RAMP06 + 1:] == 0.0)


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
    """07's table of Wu et al.'s pacings (Going deeper): the step (b until t_full, then 1)
    is the limit of the power pacing as a grows; over whole steps it is reached exactly for a
    large a."""
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



def test_07_about_one_of_24_two_se_intervals_excludes_0_by_luck():
    """07, section 6: with 20 seeds, a mean +- two standard errors excludes 0 with no true
    difference about 6 % of the time (Student's t, 19 degrees of freedom), so among the
    table's 24 intervals "about one will exclude 0 by luck"."""
    rng = np.random.default_rng(0)
    d = rng.normal(size=(50_000, 20))                        # paired differences, no effect
    t = d.mean(1) / (d.std(1, ddof=1) / math.sqrt(20))
    excluded = np.mean(np.abs(t) > 2)
    assert 0.055 < excluded < 0.065
    assert round(24 * excluded) == 1

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


# --------------------------------------------------------------------------- 09_beyond


@pytest.mark.parametrize("T", [1, 7, 100, 10**6])
@pytest.mark.parametrize("w", [0.5, 1.0, 100.0])
def test_09_sigmoid_starts_at_w_e5_whatever_T(T, w):
    """'at t = 0 ... w_0 = w e^-5 = 0.0067 w: the curve does not start at 0' (and not on T)."""
    assert dw.sigmoid(0, T, w) == pytest.approx(w * np.exp(-5), rel=1e-15)
    assert dw.sigmoid(0, T, w) / w == pytest.approx(0.0067, abs=5e-5)


@pytest.mark.parametrize("epochs, per_epoch", [(80, 100), (10, 7), (300, 50)])
def test_09_per_epoch_staircase_lags_by_at_most_one_epoch_of_the_steepest_slope(epochs, per_epoch):
    """Laine & Aila's weight (per epoch, 0 in the first epoch) against the module's per-step
    curve: below it everywhere; from the second epoch on by less than one epoch of the steepest
    slope, 1.918 w / epochs; in the first epoch by the curve's own value (under 0.008 w for
    80 epochs)."""
    steps = np.arange(epochs * per_epoch + 1)
    epoch = steps // per_epoch
    module = dw.sigmoid(steps, epochs * per_epoch)
    paper = dw.sigmoid(epoch, epochs)
    paper[epoch == 0] = 0.0
    gap = module - paper
    assert paper[0] == 0 and module[0] > 0
    assert np.all(gap >= 0) and gap[epoch >= 1].max() <= np.sqrt(10) * np.exp(-0.5) / epochs
    np.testing.assert_array_equal(gap[epoch == 0], module[epoch == 0])
    assert module[epoch == 0].max() < dw.sigmoid(1, epochs)  # 0.0077 w for 80 epochs
    if epochs == 80:
        assert module[epoch == 0].max() < 0.008


def test_09_sigmoid_steepest_at_0684_T():
    T = 1_000_000
    slopes = np.diff(dw.schedule("sigmoid", T)) * T
    assert (np.argmax(slopes) + 0.5) / T == pytest.approx(1 - 1 / np.sqrt(10), abs=1e-6)
    assert slopes.max() == pytest.approx(1.918, abs=5e-4)


def test_09_logistic_half_way_at_0110_T_and_short_of_w_at_T():
    T = 1000
    assert dw.logistic(T * np.log(3) / 10, T) == pytest.approx(0.5, rel=1e-12)
    assert np.log(3) / 10 == pytest.approx(0.110, abs=5e-4)
    assert dw.logistic(T, T) < 1 and dw.logistic(T, T) == pytest.approx(0.99991, abs=5e-6)
    assert np.all(dw.schedule("logistic", T) < 1)  # it never reaches w
    # slope at 0: 5 w / T, steeper than the exponential ramp's 4 w / T
    T = 10**6
    assert dw.logistic(1, T) * T == pytest.approx(5, rel=1e-5)
    assert dw.exponential(1, T) * T == pytest.approx(4, rel=1e-5)


@pytest.mark.parametrize("T, cycles", [(100, 4), (40, 4), (90, 3)])
def test_09_cyclical_drops_to_zero_at_every_cycle_start(T, cycles):
    s = dw.schedule("cyclical", T, cycles=cycles, ratio=0.5)
    starts = [c * T // cycles for c in range(1, cycles)]
    drops = [t for t in range(1, T + 1) if s[t] < s[t - 1]]
    assert drops == starts and all(s[t - 1] == 1 and s[t] == 0 for t in starts)
    assert s[0] == 0 and s[T] == 1


def test_09_cyclical_cycle_starts_can_miss_the_steps():
    """T = 10, M = 4: cycles start at 2.5, 5, 7.5; steps 3 and 8 are at 0.4 w."""
    s = dw.schedule("cyclical", 10)
    assert np.allclose(s[[3, 8]], 0.4) and s[5] == 0


def test_09_cyclical_with_one_cycle_and_ratio_one_is_linear():
    for T in (1, 10, 100, 1001):
        np.testing.assert_allclose(
            dw.schedule("cyclical", T, cycles=1, ratio=1.0),
            dw.schedule("linear", T),
            rtol=0,
            atol=1e-15,
        )


def test_09_cyclical_mean_and_share_at_full_weight():
    T = 100_000
    for ratio in (0.25, 0.5, 0.8):
        assert dw.mean_weight("cyclical", T, ratio=ratio) == pytest.approx(1 - ratio / 2, abs=1e-4)
        share = np.mean(dw.schedule("cyclical", T, ratio=ratio) == 1.0)
        assert share == pytest.approx(1 - ratio, abs=1e-4)


@pytest.mark.parametrize("rate", [1e-2, 1e-3, 1e-6, 1e-12])
def test_09_normalized_exponential_tends_to_linear_with_gap_rate_over_8(rate):
    T = 1000
    gap = np.abs(dw.schedule("normalized_exponential", T, rate=rate) - dw.schedule("linear", T))
    assert gap.max() == pytest.approx(rate / 8, rel=2e-2)
    if rate >= 1e-6:  # below that, rounding (1e-16) hides where the largest gap is
        assert np.argmax(gap) == T // 2


def test_09_normalized_exponential_reaches_w_and_is_0880_w_at_half():
    for rate in (0.5, 4.0, 20.0):
        assert dw.normalized_exponential(10, 10, 2.0, rate=rate) == 2.0
    assert dw.normalized_exponential(50, 100) == pytest.approx(0.8808, abs=5e-5)


def test_09_decays_keep_the_quirks_of_their_ramps():
    T = 200
    rev = {m: dw.schedule(m, T, decay="reversal") for m in dw.METHODS}
    comp = {m: dw.schedule(m, T, decay="complement") for m in dw.METHODS}
    assert rev["sigmoid"][0] == 1 and rev["sigmoid"][-1] == pytest.approx(np.exp(-5))
    assert comp["sigmoid"][0] == pytest.approx(1 - np.exp(-5)) and comp["sigmoid"][-1] == 0
    assert rev["logistic"][0] == pytest.approx(np.tanh(5)) and rev["logistic"][-1] == 0
    assert comp["logistic"][0] == 1 and comp["logistic"][-1] == pytest.approx(1 - np.tanh(5))
    for how in (rev, comp):  # exactly w to exactly 0, both ways; the plain exponential does not
        assert how["normalized_exponential"][0] == 1 and how["normalized_exponential"][-1] == 0
        assert (how["exponential"][0], how["exponential"][-1]) != (1, 0)
    # complemented sigmoid falls slowly at first (its ramp is flat there), the logistic fast
    assert comp["sigmoid"][0] - comp["sigmoid"][1] < comp["logistic"][0] - comp["logistic"][1]


def test_09_cyclical_decays_stay_cyclical():
    """Reversed, each cycle holds w and then falls to 0; complemented, each cycle falls to 0
    and then holds 0 (T = 100, M = 4, R = 0.5: cycles of 25 steps)."""
    rev = dw.schedule("cyclical", 100, decay="reversal")
    comp = dw.schedule("cyclical", 100, decay="complement")
    for start in (0, 25, 50, 75):
        cycle_rev, cycle_comp = rev[start + 1 : start + 26], comp[start : start + 25]
        assert (
            np.all(np.diff(cycle_rev) <= 0) and np.all(cycle_rev[:11] == 1) and cycle_rev[-1] == 0
        )
        assert (
            np.all(np.diff(cycle_comp) <= 0) and cycle_comp[0] == 1 and np.all(cycle_comp[13:] == 0)
        )


def test_09_a_ramp_over_k_steps_holds_past_k():
    """Warm-up then hold: every ramp evaluated past total_steps holds its final value; the
    exponential holds 0.98168 w and the logistic 0.99991 w, the others w."""
    k, w = 20, 0.5
    past = np.array([k, k + 1, 50, 10**4, 10**9])
    for m in dw.METHODS:
        held = dw.weight(m, past, k, w)
        assert np.all(held == held[0])
        expected = {"exponential": 0.98168 * w, "logistic": 0.99991 * w}.get(m, w)
        assert held[0] == pytest.approx(expected, abs=5e-6)
