"""The claims the notebooks make in prose, each checked over the whole range it covers.

A notebook keeps the checks that teach (a printed number beside its closed form); a check
that only guards a sentence ("for every T the slider offers", "for every method") lives
here, one test per claim, named after the notebook, so that it still fails when the claim
breaks. Each test imports the same module the notebooks import.
"""

from __future__ import annotations

import json
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


@pytest.mark.parametrize("name", ["00_overview.ipynb", "01_linear.ipynb", "02_cosine.ipynb"])
def test_00_02_notebooks_read_no_package_metadata(name):
    """00-02 run wherever `import dynweights` works (PYTHONPATH=., nothing installed):
    they never ask for the installed distribution's metadata."""
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
    w/2 - w/(2T) and end at w (T-1)/T; a ramp over T - 1 steps ends range(T) at w."""
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
    """02 section 8: held, the weight stays w; continued, the cosine at 1.25 T, 1.5 T and 2 T
    is w (2 + sqrt 2)/4, w/2 and 0."""
    T, w = 1000, 2.0
    later = np.array([T, 1.1 * T, 1.25 * T, 1.5 * T, 2 * T])
    assert np.all(dw.weight("cosine", later, T, w) == w)
    unheld = dw.weight("cosine", 2 * T - later, T, w)
    np.testing.assert_allclose(unheld[2:], w * np.array([(2 + np.sqrt(2)) / 4, 0.5, 0.0]),
                               atol=1e-15)
