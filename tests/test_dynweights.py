"""Unit, property and error tests of dynweights.py and dynweights_display.py: exact values
of every ramp, the properties that hold for every input, the closed forms the notebooks
derive, the error (and message) for every bad input, plots, sliders, the command line, and
the module's shape (numpy alone at import, one front door, one version).

Expected values are written out as closed-form numbers (e.g. cosine at T/4 is
(2 - sqrt 2) / 4), never by re-calling the module's own formula.
"""

import math
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dynweights as dw

ROOT = Path(__file__).resolve().parents[1]
# Example counts come from the hypothesis profile (tests/conftest.py): 100 per property
# test by default, 300 in CI (derandomized there), 15000 with `make test-thorough`.
# `schedule` and `weight` on an array of the same steps run the same numpy expression, but
# numpy may use different SIMD code for different lengths and layouts, and promises no
# bit-equality across them: they agree within ULPS units in the last place.
ULPS = 4
RAMPS = tuple(m for m in dw.METHODS if m != "cyclical")  # the non-decreasing ones
E = math.exp
SQRT2 = math.sqrt(2)


def same_as_scalars(array, scalars):
    """Array and scalar paths agree to rounding: the scalar path runs on Python floats
    (``x ** 2`` is libm pow), the array path on numpy (``x ** 2`` is x * x), which
    differ by an ulp; sigmoid's exp(-5 (1 - p)^2) turns that into up to ~5 ulp."""
    np.testing.assert_allclose(array, scalars, rtol=1e-14, atol=0)


def close(got, expected, w=1.0, tol=1e-12):
    """|got - expected| <= tol * max(|w|, |expected|) (relative to the scale w)."""
    return abs(got - expected) <= tol * max(abs(w), abs(expected), 1e-300)


# --------------------------------------------------------------------------- exact values
# (method, params, {fraction of T: weight / w}); fractions are exact binary fractions so
# that the step fraction * T is exact for every T used below.
CASES = [
    ("linear", {}, {0: 0.0, 0.25: 0.25, 0.5: 0.5, 1: 1.0}),
    ("cosine", {}, {0: 0.0, 0.25: (2 - SQRT2) / 4, 0.5: 0.5, 0.75: (2 + SQRT2) / 4, 1: 1.0}),
    ("power", {}, {0: 0.0, 0.25: 1 / 16, 0.5: 1 / 4, 1: 1.0}),
    ("power", {"a": 2.0}, {0: 0.0, 0.25: 0.0625, 0.5: 0.25, 0.75: 0.5625, 1: 1.0}),
    ("power", {"a": 3}, {0: 0.0, 0.25: 1 / 64, 0.5: 1 / 8, 1: 1.0}),
    ("power", {"a": 0.5}, {0: 0.0, 0.25: 0.5, 0.5: 1 / SQRT2, 1: 1.0}),
    ("power", {"a": 1}, {0: 0.0, 0.25: 0.25, 0.5: 0.5, 1: 1.0}),
    ("exponential", {}, {0: 0.0, 0.25: 1 - E(-1), 0.5: 1 - E(-2), 1: 1 - E(-4)}),
    ("exponential", {"rate": 2}, {0: 0.0, 0.5: 1 - E(-1), 1: 1 - E(-2)}),
    ("exponential", {"rate": 8.0}, {0: 0.0, 0.125: 1 - E(-1), 0.25: 1 - E(-2), 1: 1 - E(-8)}),
    ("normalized_exponential", {},
     {0: 0.0, 0.25: (1 - E(-1)) / (1 - E(-4)), 0.5: 1 / (1 + E(-2)), 1: 1.0}),
    ("normalized_exponential", {"rate": 2.0}, {0: 0.0, 0.5: 1 / (1 + E(-1)), 1: 1.0}),
    ("sigmoid", {}, {0: E(-5), 0.25: E(-45 / 16), 0.5: E(-5 / 4), 0.75: E(-5 / 16), 1: 1.0}),
    # 2 / (1 + e^-x) - 1 = tanh(x / 2): written the other way round on purpose
    ("logistic", {}, {0: 0.0, 0.25: math.tanh(1.25), 0.5: math.tanh(2.5), 1: math.tanh(5)}),
    # cycles=4, ratio=0.5: each cycle is T/4 long, linear over its first T/8, then hold.
    ("cyclical", {}, {0: 0.0, 0.0625: 0.5, 0.125: 1.0, 0.1875: 1.0, 0.25: 0.0,
                      0.3125: 0.5, 0.5: 0.0, 0.5625: 0.5, 0.75: 0.0, 0.875: 1.0,
                      0.96875: 1.0, 1: 1.0}),
    ("cyclical", {"cycles": 2, "ratio": 1.0}, {0: 0.0, 0.125: 0.25, 0.25: 0.5, 0.5: 0.0,
                                                0.75: 0.5, 1: 1.0}),
    ("cyclical", {"cycles": 1, "ratio": 0.25}, {0: 0.0, 0.125: 0.5, 0.25: 1.0, 0.5: 1.0,
                                                 1: 1.0}),
]
CASE_IDS = [f"{m}-{p}" if p else m for m, p, _ in CASES]
WS = (1.0, 2.5, 0.3, 1e3, -2.0)


def test_cases_cover_every_method():
    assert {m for m, _, _ in CASES} == set(dw.METHODS)
    for m in dw.METHODS:  # t = 0, T/4, T/2 and T for every method
        fractions = set().union(*(set(v) for mm, _, v in CASES if mm == m))
        assert {0, 0.25, 0.5, 1} <= fractions, m


@pytest.mark.parametrize("T", [100, 16, 1000, 7, 0.5, 12345.0])
@pytest.mark.parametrize("method, params, values", CASES, ids=CASE_IDS)
def test_exact_values_scalar(method, params, values, T):
    named = getattr(dw, method)
    for w in WS:
        for f, expected in values.items():
            t = f * T
            for got in (named(t, T, w, **params), dw.weight(method, t, T, w, **params)):
                assert type(got) is float
                assert close(got, expected * w, w), (method, params, T, w, f, got)
            # past T: the value at T holds
        for past in (1.5 * T, 10 * T, T + 1):
            assert named(past, T, w, **params) == named(T, T, w, **params)


@pytest.mark.parametrize("method, params, values", CASES, ids=CASE_IDS)
def test_exact_values_array_and_schedule(method, params, values):
    fractions = sorted(values)
    expected = np.array([values[f] for f in fractions])
    for T in (96, 160, 6400):  # multiples of 32: every fraction * T is a whole step
        steps = np.array(fractions) * T
        for w in WS:
            for got in (getattr(dw, method)(steps, T, w, **params),
                        dw.weight(method, steps.tolist(), T, w, **params)):
                assert isinstance(got, np.ndarray) and got.shape == steps.shape
                np.testing.assert_allclose(got, expected * w, rtol=0, atol=1e-12 * abs(w))
            sched = dw.schedule(method, T, w, **params)
            assert sched.shape == (T + 1,) and sched.dtype == np.float64
            np.testing.assert_allclose(sched[steps.astype(int)], expected * w,
                                       rtol=0, atol=1e-12 * abs(w))


def test_source_post_settings():
    """T = 100, w = 1, a = 2: the values of the blog post's figure."""
    T = 100
    assert dw.linear(25, T) == 0.25 and dw.linear(50, T) == 0.5 and dw.linear(100, T) == 1.0
    assert close(dw.cosine(25, T), (2 - SQRT2) / 4)
    assert dw.cosine(50, T) == 0.5  # exactly w/2 (documented in _cosine)
    assert dw.cosine(100, T) == 1.0
    assert dw.power(25, T) == 0.0625 and dw.power(50, T) == 0.25 and dw.power(100, T) == 1.0
    assert close(dw.exponential(25, T), 1 - E(-1))
    assert close(dw.exponential(50, T), 1 - E(-2))
    assert close(dw.exponential(100, T), 1 - E(-4))
    assert close(dw.exponential(100, T), 0.9816843611112658)
    # the facts the docstrings, the README and the notebooks quote
    assert close(dw.sigmoid(0, T), E(-5)) and round(dw.sigmoid(0, T), 4) == 0.0067
    assert close(dw.logistic(T, T), 2 / (1 + E(-10)) - 1)
    assert round(dw.logistic(T, T), 5) == 0.99991
    assert close(dw.exponential(50, T), 0.8646647167633873)
    s = dw.schedule("power", T)
    assert s.shape == (101,) and s[0] == 0 and s[-1] == 1 and s[10] == pytest.approx(0.01)


def test_defaults_match_params_table():
    assert dw.BASIC_METHODS == ("linear", "cosine", "power", "exponential")
    assert set(dw.PARAMS) == set(dw.METHODS)
    assert dw.PARAMS["power"] == {"a": 2.0}
    assert dw.PARAMS["exponential"] == {"rate": 4.0}
    assert dw.power(50, 100) == dw.power(50, 100, a=2.0)
    assert dw.exponential(30, 100) == dw.exponential(30, 100, rate=4.0)
    assert dw.weight("cyclical", 30, 100) == dw.cyclical(30, 100, cycles=4, ratio=0.5)


def test_fractional_steps_and_total_steps():
    assert close(dw.linear(2.5, 10), 0.25)
    assert close(dw.linear(1, 2.5, 2.0), 0.8)
    assert close(dw.power(Fraction(1, 2), 1), 0.25)
    assert close(dw.cosine(0.75, 3), (2 - SQRT2) / 4)


# --------------------------------------------------------------------------- strategies

def params_for(method):
    strategies = {
        "a": st.floats(0.05, 20),
        "rate": st.floats(0.01, 50),
        "cycles": st.integers(1, 20),
        "ratio": st.floats(0.01, 1),
    }
    return st.fixed_dictionaries({k: strategies[k] for k in dw.PARAMS[method]})


@st.composite
def method_params(draw, methods=dw.METHODS):
    method = draw(st.sampled_from(methods))
    return method, draw(params_for(method))


totals = st.floats(1e-3, 1e6)
weights = st.floats(0, 1e6)
fractions = st.floats(0, 2)  # step / T, past T included


# --------------------------------------------------------------------------- properties

@given(method_params(), totals, weights)
def test_starts_at_zero(mp, T, w):
    method, params = mp
    got = dw.weight(method, 0, T, w, **params)
    if method == "sigmoid":
        assert close(got, w * E(-5), w)
    else:
        assert got == 0
    # the array path, within ULPS: numpy may round a 1-element array through other SIMD
    # code than a scalar (sigmoid's exp(-5) is the only value here that is not exact)
    np.testing.assert_array_max_ulp(dw.weight(method, [0], T, w, **params), [got],
                                    maxulp=ULPS)


@given(method_params(RAMPS), totals, weights, fractions, fractions)
def test_non_decreasing_scalar(mp, T, w, f1, f2):
    method, params = mp
    t1, t2 = sorted((f1 * T, f2 * T))
    assert dw.weight(method, t1, T, w, **params) <= dw.weight(method, t2, T, w, **params)


@given(method_params(RAMPS), st.integers(1, 3000), weights)
def test_non_decreasing_schedule(mp, T, w):
    method, params = mp
    assert (np.diff(dw.schedule(method, T, w, **params)) >= 0).all()


@given(method_params(), totals, st.floats(-1e6, 1e6), fractions)
def test_within_zero_and_w_and_mirrored(mp, T, w, f):
    method, params = mp
    got = dw.weight(method, f * T, T, w, **params)
    assert min(0.0, w) <= got <= max(0.0, w)
    mirror = dw.weight(method, f * T, T, -w, **params)
    assert close(mirror, -got, w)


@given(method_params(), totals, st.floats(-1e6, 1e6), fractions)
def test_scales_linearly_in_w(mp, T, w, f):
    method, params = mp
    one = dw.weight(method, f * T, T, 1.0, **params)
    assert close(dw.weight(method, f * T, T, w, **params), w * one, w)
    assert dw.weight(method, f * T, T, 0.0, **params) == 0


@given(totals, st.floats(-1e6, 1e6), fractions)
def test_power_with_a_1_is_linear(T, w, f):
    assert close(dw.power(f * T, T, w, a=1), dw.linear(f * T, T, w), w, 1e-15)
    assert close(dw.weight("power", f * T, T, w, a=1.0), dw.linear(f * T, T, w), w, 1e-15)


@given(method_params(), totals, st.floats(-1e6, 1e6),
       st.lists(fractions, min_size=0, max_size=8))
def test_array_equals_elementwise_scalars(mp, T, w, fs):
    method, params = mp
    steps = [f * T for f in fs]
    got = dw.weight(method, steps, T, w, **params)
    assert isinstance(got, np.ndarray) and got.shape == (len(steps),)
    assert got.dtype == np.float64
    scalars = np.array([dw.weight(method, t, T, w, **params) for t in steps])
    same_as_scalars(got, scalars.reshape(got.shape))
    # 2-d arrays keep their shape
    if len(steps) >= 4:
        grid = np.array(steps[:4]).reshape(2, 2)
        same_as_scalars(dw.weight(method, grid, T, w, **params), scalars[:4].reshape(2, 2))


@given(method_params(), st.integers(1, 2000), st.floats(-1e6, 1e6))
def test_schedule_has_T_plus_1_entries_equal_to_weight(mp, T, w):
    method, params = mp
    s = dw.schedule(method, T, w, **params)
    assert isinstance(s, np.ndarray) and s.dtype == np.float64 and s.shape == (T + 1,)
    np.testing.assert_array_max_ulp(s, dw.weight(method, np.arange(T + 1), T, w, **params),
                                    maxulp=ULPS)
    for t in {0, T // 3, T // 2, T}:
        same_as_scalars(s[t], dw.weight(method, t, T, w, **params))
    # a float T with an integer value is accepted and gives the same schedule
    np.testing.assert_array_equal(dw.schedule(method, float(T), w, **params), s)


@given(method_params(), totals, st.floats(-1e6, 1e6), st.floats(1, 1e6))
def test_past_T_holds_final_value(mp, T, w, factor):
    method, params = mp
    final = dw.weight(method, T, T, w, **params)
    assert dw.weight(method, factor * T, T, w, **params) == final
    assert dw.weight(method, T + factor, T, w, **params) == final
    # an array of steps past T: the scalar path's final value, within ULPS (numpy rounds
    # arrays and scalars through possibly different SIMD code); exactly equal to each other
    # is not promised either across the body and the tail of a vectorized loop
    np.testing.assert_array_max_ulp(dw.weight(method, [T, 2 * T, T * factor], T, w, **params),
                                    np.full(3, final), maxulp=ULPS)
    for by in dw.DECAYS:
        assert (dw.weight(method, factor * T, T, w, decay=by, **params)
                == dw.weight(method, T, T, w, decay=by, **params))


@given(method_params(), totals, weights, st.floats(0, 1))
def test_decay_reversal_and_complement(mp, T, w, f):
    method, params = mp
    t = f * T
    reversal = dw.weight(method, t, T, w, decay="reversal", **params)
    complement = dw.weight(method, t, T, w, decay="complement", **params)
    assert dw.weight(method, t, T, w, decay=None, **params) == dw.weight(method, t, T, w, **params)
    # reversal r(T - t) and complement w - r(t), evaluated the same way: equal
    assert reversal == dw.weight(method, T - t, T, w, **params)
    assert close(complement, w - dw.weight(method, t, T, w, **params), w, 1e-15)
    assert close(dw.weight(method, 0, T, w, decay="reversal", **params),
                 dw.weight(method, T, T, w, **params), w)
    assert close(dw.weight(method, T, T, w, decay="reversal", **params),
                 dw.weight(method, 0, T, w, **params), w)
    if method in ("linear", "cosine"):  # point-symmetric curves: both decays coincide
        assert close(reversal, complement, w, 1e-12)
    if method == "exponential":  # geometric cooling w * exp(-rate t / T)
        assert close(complement, w * math.exp(-params["rate"] * f), w, 1e-12)


@given(method_params(), st.integers(1, 500), weights)
def test_schedule_decay_matches_weight(mp, T, w):
    method, params = mp
    steps = np.arange(T + 1)
    for by in dw.DECAYS:
        s = dw.schedule(method, T, w, decay=by, **params)
        assert s.shape == (T + 1,) and s.flags.c_contiguous
        np.testing.assert_array_max_ulp(s, dw.weight(method, steps, T, w, decay=by, **params),
                                        maxulp=ULPS)
    # The contract: the reversal is the ramp's schedule read backwards, bit for bit, on
    # every CPU (it reverses the result; numpy rounds reversed inputs its own way).
    np.testing.assert_array_equal(dw.schedule(method, T, w, decay="reversal", **params),
                                  dw.schedule(method, T, w, **params)[::-1])


def test_reversal_at_cycle_edges():
    # T - t lands on a cycle boundary: the reversed ramp is at the start of a cycle (0)
    for t in (2, 4, 6, 8):
        assert dw.weight("cyclical", 10 - t, 10, cycles=5) == (1.0 if t == 0 else 0.0)
        assert (dw.weight("cyclical", t, 10, cycles=5, decay="reversal")
                == dw.weight("cyclical", 10 - t, 10, cycles=5))
    np.testing.assert_array_equal(
        dw.schedule("cyclical", 10, cycles=5, decay="reversal"),
        dw.weight("cyclical", np.arange(11), 10, cycles=5, decay="reversal"))


@pytest.mark.parametrize("method", dw.METHODS)
def test_mean_weight_of_a_decay(method):
    """The reversal is the ramp read backwards, with the same mean; the complement's mean
    is w minus the ramp's."""
    ramp = dw.mean_weight(method, 1000, 2.0)
    assert dw.mean_weight(method, 1000, 2.0, decay="reversal") == pytest.approx(ramp, rel=1e-12)
    assert dw.mean_weight(method, 1000, 2.0, decay="complement") == pytest.approx(2.0 - ramp,
                                                                                  rel=1e-12)


def test_decay_is_not_the_same_both_ways_for_power_and_exponential():
    # the two decays coincide for linear and cosine (curves symmetric about their middle
    # point), and differ for power and exponential
    assert dw.weight("power", 25, 100, decay="reversal") == 0.5625
    assert dw.weight("power", 25, 100, decay="complement") == 0.9375
    assert close(dw.weight("exponential", 50, 100, decay="complement"), E(-2))
    assert close(dw.weight("exponential", 50, 100, decay="reversal"), 1 - E(-2))


SCALARS = [3, 3.0, Fraction(3, 1), np.float64(3.0), np.int64(3), np.float32(3.0), np.uint8(3)]


@pytest.mark.parametrize("method", dw.METHODS)
@pytest.mark.parametrize("step", SCALARS, ids=lambda s: type(s).__name__)
def test_scalar_in_python_float_out(method, step):
    for got in (dw.weight(method, step, 10), getattr(dw, method)(step, 10),
                dw.weight(method, step, 10, decay="reversal"),
                dw.weight(method, step, 10, decay="complement"),
                dw.weight(method, step, np.int64(10), np.float32(2.0))):
        assert type(got) is float


ARRAYS = [
    [1, 2, 3],
    (1.5, 2.5),
    [],
    np.array(4.0),            # 0-d
    np.array(4),              # 0-d int
    np.arange(6).reshape(2, 3),
    np.arange(6, dtype=np.float32).reshape(3, 1, 2),
    np.array([1, 2], dtype=np.uint16),
    [[0, 5], [10, 20]],
]


@pytest.mark.parametrize("method", dw.METHODS)
@pytest.mark.parametrize("steps", ARRAYS, ids=lambda a: f"{type(a).__name__}{np.shape(a)}")
def test_array_in_ndarray_of_same_shape_out(method, steps):
    for got in (dw.weight(method, steps, 10), getattr(dw, method)(steps, 10),
                dw.weight(method, steps, 10, decay="complement")):
        assert isinstance(got, np.ndarray)
        assert got.shape == np.shape(steps) and got.dtype == np.float64
    flat = np.ravel(np.asarray(steps, dtype=float))
    expected = [dw.weight(method, float(t), 10) for t in flat]
    same_as_scalars(np.ravel(dw.weight(method, steps, 10)), np.array(expected))


def test_array_input_is_not_modified():
    steps = np.array([0.0, 50.0, 150.0])
    dw.weight("linear", steps, 100)
    dw.weight("power", steps, 100, decay="reversal")
    np.testing.assert_array_equal(steps, [0.0, 50.0, 150.0])


huge = st.floats(5e-324, 1.7976931348623157e308)
any_w = st.floats(-1.7976931348623157e308, 1.7976931348623157e308)


@st.composite
def extreme_params(draw, method):
    chosen = {"a": huge, "rate": huge, "cycles": st.integers(1, 2**40),
              "ratio": st.floats(5e-324, 1)}
    return {k: draw(chosen[k]) for k in dw.PARAMS[method]}


@given(st.data(), st.sampled_from(dw.METHODS), huge, any_w, st.floats(0, 8e307))
def test_never_nan_or_inf_for_finite_valid_input(data, method, T, w, t):
    params = data.draw(extreme_params(method))
    with np.errstate(over="ignore", under="ignore"):  # only the results matter here
        values = [dw.weight(method, t, T, w, **params),
                  dw.weight(method, [0.0, t, T, 2 * t], T, w, **params),
                  dw.weight(method, t, T, w, decay="reversal", **params),
                  dw.weight(method, t, T, w, decay="complement", **params)]
        values.append(dw.schedule(method, data.draw(st.integers(1, 64)), w, **params))
        values.append(dw.schedule(method, 3, w, decay="complement", **params))
    for v in values:
        assert np.isfinite(v).all(), (method, T, w, t, params, v)
        assert (np.minimum(0, w) <= v).all() and (v <= np.maximum(0, w)).all()


@pytest.mark.parametrize("method", dw.METHODS)
@pytest.mark.parametrize("w", [1e300, -1e300, 1.7976931348623157e308, 5e-324])
def test_extreme_w_is_finite_and_scaled(method, w):
    for T in (1e-300, 1e-3, 1.0, 1e300):
        got = dw.weight(method, [0, T / 3, T / 2, T, 3 * T], T, w)
        assert np.isfinite(got).all()
        if abs(w) > 1:
            np.testing.assert_allclose(got, w * dw.weight(method, [0, T / 3, T / 2, T, 3 * T],
                                                          T, 1.0), rtol=1e-12)
    assert np.isfinite(dw.schedule(method, 10, w)).all()
    assert np.isfinite(dw.schedule(method, 10, w, decay="complement")).all()


tiny_or_huge = st.one_of(st.floats(5e-324, 1e-300), st.floats(1e300, 1.7976931348623157e308),
                         huge)
extreme_w = st.one_of(st.sampled_from([1.7976931348623157e308, -1.7976931348623157e308,
                                       5e-324, -5e-324, 0.0]), any_w)


@given(st.data(), st.sampled_from(dw.METHODS), tiny_or_huge, extreme_w,
       st.sampled_from([None, *dw.DECAYS]))
def test_hostile_floats_give_finite_values_in_range(data, method, T, w, decay):
    """Every public numeric function, at the ends of the float range of every float
    argument: a finite value within [min(0, w), max(0, w)] (a step in [0, T] for
    step_at), never an OverflowError, ZeroDivisionError or NaN."""
    params = data.draw(extreme_params(method))
    t = data.draw(st.one_of(st.floats(0, 1.7976931348623157e308), st.sampled_from([0.0, T])))
    small_T = data.draw(st.integers(1, 64))
    with np.errstate(over="ignore", under="ignore"):  # only the results matter here
        values = [dw.weight(method, t, T, w, decay=decay, **params),
                  dw.weight(method, [0.0, t, T], T, w, decay=decay, **params),
                  dw.schedule(method, small_T, w, decay=decay, **params),
                  dw.mean_weight(method, small_T, w, decay=decay, **params)]
        if not params:
            values.append(getattr(dw, method)(t, T, w))
        if method != "cyclical":
            level = data.draw(st.one_of(st.floats(-1.7976931348623157e308,
                                                  1.7976931348623157e308),
                                        st.sampled_from([w / 2, w])))
            at = dw.step_at(method, level, T, w, **params)
            assert at is None or 0 <= at <= T
    for v in values:
        assert np.isfinite(v).all(), (method, T, w, t, params, v)
        assert (np.minimum(0, w) <= v).all() and (v <= np.maximum(0, w)).all()


def test_mean_weight_near_the_float_maximum():
    # the sum of 1001 weights near 1.7e308 overflows; the mean does not
    assert dw.mean_weight("linear", 1000, max_weight=1.7e308) == 0.5 * 1.7e308
    assert math.isclose(dw.mean_weight("exponential", 1000, -1.7e308, decay="complement"),
                        -1.7e308 * (1 - E(-4)) / 4, rel_tol=1e-5)  # trapezoid: O(1/T^2)


def test_schedule_too_large_for_memory_names_total_steps():
    with pytest.raises(ValueError, match=r"total_steps=10000000000000000.*too large"):
        dw.schedule("linear", 10**16)


# --------------------------------------------------------------------------- closed forms
# The closed forms the notebooks derive (mean, half-way step, value at T/2, slopes at 0 and
# T), checked on `schedule` at large T (continuous p = t/T in [0, 1], weights in units of
# w). Trapezoid rule error O(1/T^2).
LN2 = math.log(2)


def mean_closed(method, params):
    r = params.get("rate", 4.0)
    return {
        "linear": 0.5,
        "cosine": 0.5,
        "power": 1 / (params.get("a", 2.0) + 1),
        "exponential": 1 - (1 - E(-r)) / r,
        "normalized_exponential": (1 - (1 - E(-r)) / r) / (1 - E(-r)),
        "sigmoid": math.sqrt(math.pi / 5) / 2 * math.erf(math.sqrt(5)),
        "logistic": math.log(math.cosh(5)) / 5,
        "cyclical": 1 - params.get("ratio", 0.5) / 2,
    }[method]


def half_way_closed(method, params):
    """p at which the ramp reaches w/2."""
    r = params.get("rate", 4.0)
    return {
        "linear": 0.5,
        "cosine": 0.5,
        "power": 2 ** (-1 / params.get("a", 2.0)),
        "exponential": LN2 / r,  # tau ln 2 with tau = T / rate
        "normalized_exponential": -math.log((1 + E(-r)) / 2) / r,
        "sigmoid": 1 - math.sqrt(LN2 / 5),
        "logistic": math.log(3) / 10,
    }[method]


def at_half_closed(method, params):
    r = params.get("rate", 4.0)
    return {
        "linear": 0.5,
        "cosine": 0.5,
        "power": 2 ** -params.get("a", 2.0),
        "exponential": 1 - E(-r / 2),
        "normalized_exponential": 1 / (1 + E(-r / 2)),
        "sigmoid": E(-5 / 4),
        "logistic": math.tanh(2.5),
    }[method]


def slopes_closed(method, params):
    """d(w_t / w) / d(t / T) at t = 0 and t = T."""
    r = params.get("rate", 4.0)
    a = params.get("a", 2.0)
    return {
        "linear": (1, 1),
        "cosine": (0, 0),
        "power": (1 if a == 1 else 0, a),  # a >= 1 here (a < 1: unbounded at 0)
        "exponential": (r, r * E(-r)),
        "normalized_exponential": (r / (1 - E(-r)), r * E(-r) / (1 - E(-r))),
        "sigmoid": (10 * E(-5), 0),
        "logistic": (5, 5 / math.cosh(5) ** 2),
    }[method]


SMOOTH = [("linear", {}), ("cosine", {}), ("power", {}), ("power", {"a": 1.0}),
          ("power", {"a": 3.5}), ("power", {"a": 1.5}), ("exponential", {}),
          ("exponential", {"rate": 1.0}), ("exponential", {"rate": 10.0}),
          ("normalized_exponential", {}), ("normalized_exponential", {"rate": 0.5}),
          ("sigmoid", {}), ("logistic", {})]
SMOOTH_IDS = [f"{m}-{p}" if p else m for m, p in SMOOTH]
BIG_T = 200_000
W = 1.7


@pytest.mark.parametrize("method, params", SMOOTH + [("power", {"a": 0.5}),
                                                     ("cyclical", {}),
                                                     ("cyclical", {"cycles": 3, "ratio": 0.8})],
                         ids=SMOOTH_IDS + ["power-a0.5", "cyclical", "cyclical-3-0.8"])
def test_mean_weight(method, params):
    s = dw.schedule(method, BIG_T, W, **params)
    mean = np.trapezoid(s, dx=1 / BIG_T)
    # smooth: O(1/T^2); a = 0.5: O(T^-1.5); cyclical: one O(1/T) jump per cycle
    tol = 1e-9 if (method, params) in SMOOTH else 2e-5
    assert abs(mean - W * mean_closed(method, params)) <= tol * W


@pytest.mark.parametrize("method, params", SMOOTH + [("power", {"a": 0.5})],
                         ids=SMOOTH_IDS + ["power-a0.5"])
def test_half_way_step(method, params):
    s = dw.schedule(method, BIG_T, W, **params)
    i = int(np.searchsorted(s, W / 2))  # first step with weight >= w/2
    assert s[i - 1] < W / 2 <= s[i]
    step = (i - 1) + (W / 2 - s[i - 1]) / (s[i] - s[i - 1])  # linear interpolation
    assert abs(step - BIG_T * half_way_closed(method, params)) < 1e-2  # in steps
    # the exponential's half-way step, T ln 2 / rate, is 0.17329 T for rate = 4
    if method == "exponential" and not params:
        assert round(step / BIG_T, 5) == 0.17329


@pytest.mark.parametrize("method, params", SMOOTH, ids=SMOOTH_IDS)
def test_value_at_half_T(method, params):
    s = dw.schedule(method, BIG_T, W, **params)
    assert close(s[BIG_T // 2], W * at_half_closed(method, params), W)


@pytest.mark.parametrize("method, params", SMOOTH, ids=SMOOTH_IDS)
def test_slopes_at_0_and_T(method, params):
    s = dw.schedule(method, BIG_T, W, **params) / W
    # second-order one-sided differences, in units of w / T
    start = (-3 * s[0] + 4 * s[1] - s[2]) / 2 * BIG_T
    end = (3 * s[-1] - 4 * s[-2] + s[-3]) / 2 * BIG_T
    want_start, want_end = slopes_closed(method, params)
    tol = 5e-3 if params.get("a") == 1.5 else 1e-6  # a = 1.5: slope ~ p^0.5, O(T^-0.5)
    assert abs(start - want_start) < tol * max(1, want_start)
    assert abs(end - want_end) < 1e-6 * max(1, want_end)


@pytest.mark.parametrize("method, params", SMOOTH, ids=SMOOTH_IDS)
def test_step_at_and_mean_weight_helpers(method, params):
    """dw.step_at / dw.mean_weight (what the notebooks use) against the closed forms."""
    T = 1000
    assert abs(dw.step_at(method, W / 2, T, W, **params)
               - T * half_way_closed(method, params)) < 1e-9 * T
    assert abs(dw.mean_weight(method, BIG_T, W, **params)
               - W * mean_closed(method, params)) <= 1e-9 * W


def test_step_at_edges():
    assert dw.step_at("linear", 0.0, 10) == 0.0
    assert dw.step_at("sigmoid", 0.001, 10) == 0.0  # starts above the level
    assert dw.step_at("exponential", 0.99, 10) is None
    assert dw.step_at("linear", 2.0, 10, 2.0) == 10.0
    assert dw.step_at("linear", 0.5, 10, 0.0) is None  # w = 0: the ramp stays at 0
    assert dw.step_at("linear", 0.0, 10, 0.0) == 0.0
    with pytest.raises(ValueError, match="cyclical"):
        dw.step_at("cyclical", 0.5, 10)
    with pytest.raises(ValueError, match="max_weight.*nan"):
        dw.step_at("linear", 0.5, 10, float("nan"))


def test_step_at_with_negative_w_is_where_the_falling_ramp_reaches_the_level():
    """A ramp to w < 0 falls from 0 to w; step_at gives the first step at which it is at or
    below ``level`` (it used to return None without a word)."""
    assert dw.step_at("linear", -0.5, 10, -1.0) == 5.0
    assert dw.step_at("power", -0.25, 100, -1.0) == 50.0
    assert dw.step_at("linear", 0.5, 10, -1.0) == 0.0  # at 0 already below 0.5
    assert dw.step_at("exponential", -1.0, 100, -1.0) is None  # 1.83 % short at T
    assert dw.step_at("linear", -2.0, 10, -1.0) is None  # never falls that far


@given(method_params(RAMPS), totals, st.floats(1e-6, 1e6), st.floats(0, 1.2))
def test_step_at_mirrors_for_negative_w(mp, T, w, f):
    method, params = mp
    at = dw.step_at(method, -f * w, T, -w, **params)
    assert at == dw.step_at(method, f * w, T, w, **params)
    if at is not None:  # the falling ramp is at or below the level there
        assert dw.weight(method, at, T, -w, **params) <= -f * w


def test_validate_returns_what_schedule_uses_and_raises_what_it_raises():
    assert dw.validate("power", 100.0, 2, a=3) == (100, 2.0, {"a": 3.0})
    assert dw.validate("cyclical") == (1, 1.0, {"cycles": 4, "ratio": 0.5})
    assert dw.validate("linear", np.int64(5), np.float32(0.5)) == (5, 0.5, {})
    for args, kwargs in [(("quadratic", 10), {}), (("power", 10.5), {}), (("power", 0), {}),
                         (("power", 10, float("inf")), {}), (("power", 10), {"a": -1}),
                         (("cosine", 10), {"a": 2}), ((None, 10), {})]:
        with pytest.raises((TypeError, ValueError)) as expected:
            dw.schedule(*args, **kwargs)
        with pytest.raises(type(expected.value)) as got:
            dw.validate(*args, **kwargs)
        assert str(got.value) == str(expected.value)


def test_cosine_steepest_slope_at_half():
    T = BIG_T
    s = dw.schedule("cosine", T)
    slope = np.diff(s) * T  # at the midpoints of the steps
    assert int(np.argmax(slope)) in (T // 2 - 1, T // 2)
    assert abs(slope.max() - math.pi / 2) < 1e-8


def test_exponential_facts():
    s = dw.schedule("exponential", BIG_T)
    assert round(1 - s[-1], 4) == 0.0183  # 1.83 % short of w at T
    mean = np.trapezoid(s, dx=1 / BIG_T)
    assert round(mean, 5) == 0.75458
    assert round(s[BIG_T // 2], 5) == 0.86466
    # the normalized form reaches w; with rate -> 0 it tends to the linear ramp
    # exactly w for a scalar step (numerator and denominator are the same expm1 call) ...
    assert dw.normalized_exponential(10, 10) == 1.0
    # ... within ULPS in a schedule, whose expm1 runs over an array (maybe other SIMD code)
    np.testing.assert_array_max_ulp(dw.schedule("normalized_exponential", 10)[-1:], [1.0],
                                    maxulp=ULPS)
    np.testing.assert_allclose(dw.schedule("normalized_exponential", 100, rate=1e-6),
                               dw.schedule("linear", 100), atol=1e-6)


# --------------------------------------------------------------------------- bad input

class call:
    """A deferred call with a readable repr (used as the test id)."""

    def __init__(self, fn, *args, **kwargs):
        self.fn, self.args, self.kwargs = fn, args, kwargs

    def __call__(self):
        return self.fn(*self.args, **self.kwargs)

    def __repr__(self):
        def short(value):
            text = repr(value)
            return text if len(text) < 40 else text[:12] + "..."

        shown = [short(a) for a in self.args] + [f"{k}={short(v)}" for k, v in self.kwargs.items()]
        return f"{self.fn.__name__}({', '.join(shown)})"


NAN, INF = float("nan"), float("inf")


def reversal(method, *args, **kwargs):
    """weight(..., decay="reversal"): bad input is caught on the decay path as well."""
    return dw.weight(method, *args, decay="reversal", **kwargs)


BAD = [
    # unknown method: lists the valid names
    (call(dw.weight, "quadratic", 1, 10), ValueError, ["quadratic", *dw.METHODS]),
    (call(dw.schedule, "quadratic", 10), ValueError, ["quadratic", *dw.METHODS]),
    (call(reversal, "Linear", 1, 10), ValueError, ["Linear", *dw.METHODS]),
    (call(dw.plot_schedules, ("linear", "bogus")), ValueError, ["bogus", *dw.METHODS]),
    (call(dw.weight, None, 1, 10), TypeError, ["method", "None"]),
    (call(dw.schedule, 3, 10), TypeError, ["method", "3"]),
    # total_steps
    *[(call(fn, *args), ValueError, ["total_steps", shown])
      for value, shown in [(0, "0"), (-1, "-1"), (-0.5, "-0.5"), (NAN, "nan"), (INF, "inf"),
                           (-INF, "-inf"), (0.0, "0.0")]
      for fn, args in [(dw.weight, ("linear", 1, value)), (dw.cosine, (1, value)),
                       (reversal, ("power", 1, value)), (dw.schedule, ("exponential", value))]],
    *[(call(fn, *args), TypeError, ["total_steps", shown])
      for value, shown in [("100", "'100'"), (None, "None"), (True, "True"), ([100], "[100]"),
                           (1 + 2j, "(1+2j)")]
      for fn, args in [(dw.weight, ("linear", 1, value)), (dw.schedule, ("cosine", value)),
                       (reversal, ("cosine", 1, value))]],
    (call(dw.schedule, "linear", 10.5), ValueError, ["total_steps", "10.5"]),
    (call(dw.schedule, "power", 100.25), ValueError, ["total_steps", "100.25"]),
    (call(dw.plot_schedules, ("linear",), 0), ValueError, ["total_steps", "0"]),
    # step: negative / NaN / infinite, scalar and inside arrays
    *[(call(fn, *args), ValueError, ["step", shown])
      for value, shown in [(-1, "-1"), (-0.5, "-0.5"), (NAN, "nan"), (INF, "inf"),
                           (-INF, "-inf"), ([0, -1], "-1.0"), ([0, 1, NAN], "nan"),
                           ([[0, 1], [2, -3]], "-3.0"), ([1.0, INF], "inf"),
                           (np.array([2.0, -INF]), "-inf"), (np.array(-2.0), "-2.0"),
                           (np.array([5, -7], dtype=np.int64), "-7.0")]
      for fn, args in [(dw.weight, ("linear", value, 10)), (dw.exponential, (value, 10)),
                       (reversal, ("cosine", value, 10))]],
    *[(call(fn, *args), TypeError, ["step"] + shown)
      for value, shown in [("3", ["'3'"]), (None, ["None"]), (True, ["True"]),
                           (1j, ["1j"]), (["a", "b"], []), ([True, False], ["bool"]),
                           ([None, 1], ["object"]), ([[1, 2], [3]], []),
                           (np.array(["1"]), []), ([1 + 1j], ["complex"]),
                           ({1, 2}, [])]
      for fn, args in [(dw.weight, ("power", value, 10)), (dw.cosine, (value, 10)),
                       (reversal, ("linear", value, 10))]],
    # max_weight
    *[(call(fn, *args), ValueError, ["max_weight", shown])
      for value, shown in [(NAN, "nan"), (INF, "inf"), (-INF, "-inf")]
      for fn, args in [(dw.weight, ("linear", 1, 10, value)), (dw.schedule, ("power", 10, value)),
                       (reversal, ("cosine", 1, 10, value)), (dw.sigmoid, (1, 10, value))]],
    *[(call(fn, *args), TypeError, ["max_weight", shown])
      for value, shown in [("1", "'1'"), (None, "None"), (False, "False"), ([1.0], "[1.0]")]
      for fn, args in [(dw.weight, ("linear", 1, 10, value)), (dw.schedule, ("power", 10, value))]],
    # a, rate
    *[(call(fn, *args, **{name: value}), ValueError, [name, shown])
      for name, methods in [("a", ["power"]), ("rate", ["exponential", "normalized_exponential"])]
      for value, shown in [(0, "0"), (-1, "-1"), (-0.5, "-0.5"), (NAN, "nan"), (INF, "inf")]
      for m in methods
      for fn, args in [(dw.weight, (m, 1, 10)), (getattr(dw, m), (1, 10)),
                       (dw.schedule, (m, 10)), (reversal, (m, 1, 10))]],
    *[(call(fn, *args, **{name: value}), TypeError, [name, shown])
      for name, m in [("a", "power"), ("rate", "exponential")]
      for value, shown in [("2", "'2'"), (None, "None"), (True, "True")]
      for fn, args in [(dw.weight, (m, 1, 10)), (dw.schedule, (m, 10))]],
    # cycles, ratio
    *[(call(fn, *args, cycles=value), ValueError, ["cycles", shown])
      for value, shown in [(0, "0"), (-2, "-2"), (10**400, "finite")]
      for fn, args in [(dw.weight, ("cyclical", 1, 10)), (dw.cyclical, (1, 10)),
                       (dw.schedule, ("cyclical", 10))]],
    *[(call(fn, *args, cycles=value), TypeError, ["cycles", shown])
      for value, shown in [(1.5, "1.5"), ("4", "'4'"), (None, "None"), (True, "True")]
      for fn, args in [(dw.weight, ("cyclical", 1, 10)), (dw.schedule, ("cyclical", 10))]],
    *[(call(fn, *args, ratio=value), ValueError, ["ratio", shown])
      for value, shown in [(0, "0"), (-0.1, "-0.1"), (1.5, "1.5"), (NAN, "nan"), (INF, "inf")]
      for fn, args in [(dw.weight, ("cyclical", 1, 10)), (dw.cyclical, (1, 10)),
                       (dw.schedule, ("cyclical", 10))]],
    *[(call(dw.weight, "cyclical", 1, 10, ratio=value), TypeError, ["ratio", shown])
      for value, shown in [("0.5", "'0.5'"), (None, "None")]],
    # unknown keyword for a method
    (call(dw.weight, "cosine", 1, 10, a=2), TypeError, ["cosine", "'a'", "2"]),
    (call(dw.weight, "linear", 1, 10, rate=3.0), TypeError, ["linear", "'rate'", "3.0"]),
    (call(dw.schedule, "power", 10, rate=3.0), TypeError, ["power", "'rate'", "a"]),
    (call(dw.schedule, "linear", 10, b=1), TypeError, ["'b'"]),
    (call(reversal, "exponential", 1, 10, a=2), TypeError, ["exponential", "'a'"]),
    (call(dw.weight, "cyclical", 1, 10, cycle=2), TypeError, ["'cycle'", "cycles"]),
    (call(dw.cosine, 1, 10, a=2), TypeError, ["'a'"]),
    (call(dw.plot_schedules, ("linear", "cosine"), a=2), TypeError, ["'a'"]),
    (call(dw.explore, ("linear", "exponential"), a=2), TypeError, ["'a'"]),
    # unknown decay
    (call(dw.schedule, "linear", 10, decay="up"), ValueError, ["decay", "'up'", *dw.DECAYS]),
    (call(dw.schedule, "linear", 10, decay="Reversal"), ValueError, ["decay", "'Reversal'"]),
    (call(dw.weight, "linear", 1, 10, decay="mirror"), ValueError,
     ["decay", "'mirror'", *dw.DECAYS]),
    (call(dw.schedule, "linear", 10, decay=1), TypeError, ["decay", "1"]),
    (call(dw.weight, "power", 1, 10, decay=2.0), TypeError, ["decay", "2.0"]),
    # the 1.x spelling `by=` is gone (CHANGELOG.md): an unknown parameter, named
    (call(dw.weight, "power", 1, 10, by="reversal"), TypeError, ["power", "'by'"]),
    # integers too large for a float are bad values, named like any other
    (call(dw.weight, "linear", 10**400, 10), ValueError, ["step"]),
    (call(dw.weight, "linear", 1, 10**400), ValueError, ["total_steps"]),
    (call(dw.schedule, "linear", 10**400), ValueError, ["total_steps"]),
    (call(dw.weight, "linear", 1, 10, 10**400), ValueError, ["max_weight"]),
    (call(dw.power, 1, 10, a=10**400), ValueError, ["a"]),
]


@pytest.mark.parametrize("thunk, exc, fragments", BAD, ids=[repr(c[0]) for c in BAD])
def test_bad_input_raises_naming_the_argument(thunk, exc, fragments):
    with pytest.raises(exc) as info:
        thunk()
    assert type(info.value) is exc
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_bad_input_is_rejected_before_any_work():
    # a valid array of steps followed by one bad value: nothing is returned
    with pytest.raises(ValueError, match=r"step.*-1\.0.*index \(3,\)"):
        dw.weight("linear", [0, 1, 2, -1], 10)
    with pytest.raises(ValueError, match=r"index \(1, 0\)"):
        dw.weight("linear", [[0, 1], [NAN, 3]], 10)


def test_valid_edge_inputs_are_accepted():
    # w = 0 and negative w are valid (w < 0 mirrors the ramp); step 0, -0.0 and huge steps
    assert dw.weight("cosine", 5, 10, 0.0) == 0
    assert dw.weight("linear", 5, 10, -2.0) == -1.0
    assert dw.weight("linear", -0.0, 10) == 0
    assert dw.weight("power", 1e300, 10) == 1.0
    assert dw.schedule("linear", 1).tolist() == [0.0, 1.0]
    assert dw.schedule("linear", np.int64(2)).tolist() == [0.0, 0.5, 1.0]
    assert dw.cyclical(10, 10, cycles=1, ratio=1) == 1.0


# --------------------------------------------------------------------------- plots, widgets

@pytest.fixture
def plt():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    yield plt
    plt.close("all")


@pytest.fixture
def widgets(plt):
    return pytest.importorskip("ipywidgets")


def test_plot_schedules_default(plt):
    from matplotlib.axes import Axes
    from matplotlib.colors import to_hex

    ax = dw.plot_schedules()
    assert isinstance(ax, Axes)
    assert ax.get_title() == "Dynamic Weights Over Training Steps"
    assert ax.get_xlabel() == "Training Steps" and ax.get_ylabel() == "Weight"
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == ["Linear", "Cosine", "Power", "Exponential"]
    assert [to_hex(ln.get_color()) for ln in lines] == [to_hex(c) for c in
                                                        ("tab:blue", "tab:orange",
                                                         "tab:green", "tab:red")]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Linear", "Cosine", "Power", "Exponential"]
    assert all(g.get_visible() for g in ax.get_xgridlines() + ax.get_ygridlines())
    for method, ln in zip(dw.BASIC_METHODS, lines, strict=True):
        np.testing.assert_array_equal(ln.get_xdata(), np.arange(101))
        np.testing.assert_array_equal(ln.get_ydata(), dw.schedule(method, 100))
    assert tuple(ax.figure.get_size_inches()) == (10, 6)


def test_plot_schedules_on_given_axes_with_params(plt):
    fig, ax = plt.subplots()
    out = dw.plot_schedules(("power", "exponential", "cosine"), 50, 2.0, ax=ax,
                            labels=True, a=3, rate=2.0)
    assert out is ax and len(fig.axes) == 1
    assert [ln.get_label() for ln in ax.get_lines()] == [
        "Power (a=3)", "Exponential (rate=2)", "Cosine"]
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(),
                                  dw.schedule("power", 50, 2.0, a=3))
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(),
                                  dw.schedule("exponential", 50, 2.0, rate=2.0))
    assert ax.get_lines()[0].get_ydata()[-1] == 2.0


def _sliders(box):
    import ipywidgets as widgets

    found = {}
    for child in box.children:
        if isinstance(child, widgets.HBox):
            for s in child.children:
                found[s.description] = s
    return found


def _image(box):
    import ipywidgets as widgets

    images = [c for c in box.children if isinstance(c, widgets.Image)]
    assert len(images) == 1
    return images[0]


def test_explore_updates_image_when_sliders_move(widgets):
    box = dw.explore(("linear", "power", "exponential"), 100, 1.0, a=3.0)
    assert isinstance(box, widgets.VBox)
    sliders = _sliders(box)
    assert set(sliders) == {"T (total steps)", "w (max weight)", "a (power)", "rate"}
    assert sliders["a (power)"].value == pytest.approx(3.0)
    assert sliders["rate"].value == 4.0 and sliders["T (total steps)"].value == 100
    image = _image(box)
    first = bytes(image.value)
    assert first.startswith(b"\x89PNG")
    for name, value in [("a (power)", 0.5), ("T (total steps)", 300),
                        ("w (max weight)", 1.5), ("rate", 1.0)]:
        before = bytes(image.value)
        sliders[name].value = value
        assert bytes(image.value) != before, name
    # back to the start: the same picture as at first (deterministic PNG bytes)
    for name, value in [("a (power)", 3.0), ("T (total steps)", 100),
                        ("w (max weight)", 1.0), ("rate", 4.0)]:
        sliders[name].value = value
    assert bytes(image.value) == first


def test_explore_sliders_for_methods_without_params(widgets):
    box = dw.explore(("linear", "cosine"))
    assert set(_sliders(box)) == {"T (total steps)", "w (max weight)"}
    box = dw.explore(("cyclical",), cycles=2)
    sliders = _sliders(box)
    assert sliders["cycles"].value == 2 and sliders["ratio"].value == 0.5
    before = bytes(_image(box).value)
    sliders["cycles"].value = 5
    assert bytes(_image(box).value) != before


def test_explore_rejects_unknown_shared_params_and_methods():
    with pytest.raises(TypeError, match="'rate'"):
        dw.explore(("linear", "cosine", "power"), rate=2.0)
    with pytest.raises(ValueError, match="nope"):
        dw.explore(("linear", "nope"))


@pytest.mark.parametrize("kwargs, error, words", [
    ({"a": -1}, ValueError, ["a", "-1"]),
    ({"rate": 0}, ValueError, ["rate", "0"]),
    ({"total_steps": 0}, ValueError, ["total_steps", "0"]),
    ({"total_steps": 10.5}, ValueError, ["total_steps", "10.5"]),
    ({"max_weight": -1.0}, ValueError, ["max_weight", "-1.0"]),
    ({"max_weight": float("nan")}, ValueError, ["max_weight", "nan"]),
])
def test_explore_rejects_bad_starting_values(kwargs, error, words):
    # a slider would clamp these to its range without a word
    with pytest.raises(error) as info:
        dw.explore(dw.BASIC_METHODS, **kwargs)
    for word in words:
        assert word in str(info.value)


def test_explore_sliders_reach_the_starting_values(widgets):
    sliders = _sliders(dw.explore(dw.METHODS, max_weight=0.05, a=8.0, rate=20.0, cycles=12))
    values = {name: s.value for name, s in sliders.items()}
    assert values["w (max weight)"] == 0.05 and values["a (power)"] == 8.0
    assert values["rate"] == 20.0 and values["cycles"] == 12


def test_explore_partial_redraw_matches_a_fresh_panel(widgets):
    # moving a redraws only the lines over a cached background: no trace of the old
    # curve may remain, so the image must equal a new panel's drawn at the new values
    box = dw.explore(("power", "exponential"), a=2.0, rate=4.0)
    sliders = _sliders(box)
    sliders["a (power)"].value = 3.5
    sliders["rate"].value = 1.5
    fresh = dw.explore(("power", "exponential"), a=3.5, rate=1.5)
    assert bytes(_image(box).value) == bytes(_image(fresh).value)
    sliders["T (total steps)"].value = 40  # new axes, then back: a full redraw each time
    sliders["T (total steps)"].value = 100
    assert bytes(_image(box).value) == bytes(_image(fresh).value)


def test_slider_panels_are_drawn_at_twice_the_size_shown(widgets):
    """Sharp on HiDPI screens: the PNG has pixel_ratio (2) times the pixels of the CSS
    size it is shown at (figsize * dpi), which is fixed, so JupyterLab does not stretch it."""
    import io

    from PIL import Image

    for box, size in ((dw.explore(("linear", "power")), (8, 4.5)),
                      (dw.explore(("cosine",), figsize=(5, 3), dpi=100), (5, 3))):
        image = _image(box)
        dpi = 100 if size == (5, 3) else 80
        assert image.layout.width == f"{round(size[0] * dpi)}px"
        with Image.open(io.BytesIO(bytes(image.value))) as png:
            assert png.size == (round(2 * size[0] * dpi), round(2 * size[1] * dpi))


def test_png_encoder_keeps_every_pixel(plt):
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    import dynweights_display

    fig = Figure(figsize=(3.01, 2.03), dpi=97)  # odd sizes: no row or column to spare
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot(dw.schedule("cosine", 30), "r-")
    ax.set_facecolor("#123456")
    ax.set_title("T = 30")
    canvas.draw()
    png = dynweights_display._png(canvas)
    with Image.open(io.BytesIO(png)) as decoded:
        np.testing.assert_array_equal(np.asarray(decoded.convert("RGB")),
                                      np.asarray(canvas.buffer_rgba())[..., :3])
    assert dynweights_display._png(canvas) == png  # deterministic


def test_slider_panel_is_generic(widgets):
    calls = []

    def draw(fig, n, scale):
        calls.append((n, scale))
        fig.clear()
        fig.add_subplot().plot(np.arange(n) * scale)

    n = widgets.IntSlider(value=3, min=1, max=10, description="n")
    scale = widgets.FloatSlider(value=1.0, min=0.5, max=2.0, description="scale")
    box = dw.slider_panel(draw, {"n": n, "scale": scale})
    assert isinstance(box, widgets.VBox)
    assert calls == [(3, 1.0)]
    image = _image(box)
    first = bytes(image.value)
    n.value = 7
    assert calls[-1] == (7, 1.0) and bytes(image.value) != first
    second = bytes(image.value)
    scale.value = 2.0
    assert calls[-1] == (7, 2.0) and bytes(image.value) != second
    assert set(_sliders(box)) == {"n", "scale"}


# --------------------------------------------------------------------------- CLI

def _run(*args, options=()):
    """``python OPTIONS -m dynweights ARGS`` in the repository."""
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, *options, "-m", "dynweights", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def test_cli_help():
    result = _run("--help")
    assert result.returncode == 0, result.stderr
    assert "figures" in result.stdout and "usage: python -m dynweights" in result.stdout


def test_cli_without_command_fails():
    result = _run()
    assert result.returncode == 2 and "figures" in result.stderr
# `python -m dynweights figures --out DIR` is tested in test_figures.py


def test_cli_imports_each_module_once():
    """`python -m dynweights` runs dynweights.py as __main__; the display module's
    `import dynweights` must find that module, not load the file a second time."""
    result = _run("--help", options=("-X", "importtime"))
    assert result.returncode == 0, result.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:")]
    assert imported.count("dynweights_display") == 1
    assert "dynweights" not in imported, "dynweights.py was imported again"


def test_import_needs_numpy_alone_and_forwards_the_display_helpers():
    code = ("import sys, dynweights; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'IPython', "
            "'dynweights_display') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(dw.__file__).parent).stdout
    assert out.strip() == "[]"
    import dynweights_display

    for name in ("COLORS", "plot_schedules", "markdown_table", "slider_panel", "explore",
                 "write_figures"):
        assert getattr(dw, name) is getattr(dynweights_display, name)
        assert name in dir(dw) and name in dw.__all__
    assert set(dw.COLORS) == set(dw.METHODS)
    assert not hasattr(dw, "main"), "the command line lives in dynweights_display"
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = dw.no_such_thing
    assert all(hasattr(dw, name) for name in dw.__all__)


def test_display_module_uses_only_public_names_of_dynweights():
    import ast

    tree = ast.parse((ROOT / "dynweights_display.py").read_text(encoding="utf-8"))
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "dynweights":
            used |= {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            assert "dynweights" not in {alias.name for alias in node.names}, \
                "import names from dynweights explicitly (from dynweights import ...)"
    assert used and all(name in dw.__all__ for name in used), sorted(used)


def test_version_is_written_once():
    """dynweights.__version__ is the version; pyproject.toml reads it from there."""
    import re
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"]
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "dynweights.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", dw.__version__)
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(r"^## (\S+)", changelog, re.MULTILINE)[1] == dw.__version__, \
        "CHANGELOG.md's newest entry is not the module's version"
