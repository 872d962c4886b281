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
