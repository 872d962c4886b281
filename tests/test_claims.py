"""Claims that notebooks make in prose, each checked over its whole range here.

A notebook keeps the checks that teach (a printed number beside its closed form); an assert
that only guards a sentence lives here, one test per claim, named after the notebook and the
claim, importing the same module, so that the sentence cannot go stale silently.
"""

import numpy as np
import pytest

import dynweights as dw

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
