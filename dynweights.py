"""Dynamic weights: loss weights that grow towards ``max_weight`` over training.

The reference implementation of the dynweights tutorial. Notation, used everywhere:
``t`` = ``step``, ``T`` = ``total_steps``, ``w`` = ``max_weight``, ``p = min(t, T) / T``.

>>> import dynweights as dw
>>> dw.weight("cosine", 50, 100)
0.5
>>> dw.schedule("linear", 4, max_weight=2.0)
array([0. , 0.5, 1. , 1.5, 2. ])

Every ramp is evaluated as one numpy expression of ``p``, so a scalar step and an
array of steps go through the same code. Steps past ``T`` hold the final value.
Only numpy is imported here. The plot, slider and figure helpers (`plot_schedules`,
`explore`, `slider_panel`, `markdown_table`, `write_figures`, the colours `COLORS`) and
the command line (``python -m dynweights figures``) live in dynweights_display.py, which
uses only the public names of this module; they are reachable as ``dynweights.explore``
and so on, and import matplotlib and ipywidgets when called.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "METHODS", "BASIC_METHODS", "DECAYS", "PARAMS",
    "linear", "cosine", "power", "exponential", "normalized_exponential",
    "sigmoid", "logistic", "cyclical",
    "weight", "schedule", "validate", "step_at", "mean_weight",
    # defined in dynweights_display.py, forwarded by __getattr__ below
    "COLORS", "plot_schedules", "markdown_table", "slider_panel", "explore", "write_figures",  # noqa: F822
]

# The one place the version is written: pyproject.toml reads it from here
# ([tool.setuptools.dynamic]), and so does the book.
__version__ = "2.1.0"

# The four ramps of the source post, in the order and colours of its figure.
BASIC_METHODS = ("linear", "cosine", "power", "exponential")
METHODS = BASIC_METHODS + ("normalized_exponential", "sigmoid", "logistic", "cyclical")
# Each method's own keyword parameters and their defaults.
PARAMS = {
    "linear": {},
    "cosine": {},
    "power": {"a": 2.0},
    "exponential": {"rate": 4.0},
    "normalized_exponential": {"rate": 4.0},
    "sigmoid": {},
    "logistic": {},
    "cyclical": {"cycles": 4, "ratio": 0.5},
}
DECAYS = ("reversal", "complement")


# --------------------------------------------------------------------------- checks

def _real(name, value):
    """``value`` as a float; TypeError if it is not a real number (bools are not)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} "
                        f"of type {type(value).__name__}")
    try:
        return float(value)
    except OverflowError:  # an int (or Fraction) beyond the float range
        raise ValueError(f"{name} must be finite, got {value!r}") from None


def _finite(name, value):
    number = _real(name, value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return number


def _positive(name, value):
    number = _finite(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return number


def _steps(step):
    """Validate ``step``: a real scalar (-> float) or array-like (-> float64 ndarray)."""
    try:
        arr = np.asarray(step) if isinstance(step, np.ndarray) or np.ndim(step) > 0 else None
    except ValueError as err:  # ragged nested lists (np.ndim raises too)
        raise TypeError(f"step must be a number or an array of numbers, "
                        f"got {step!r}") from err
    if arr is not None:
        if arr.dtype == bool or arr.dtype.kind not in "iuf":
            raise TypeError(f"step must be a number or an array of numbers, "
                            f"got an array of dtype {arr.dtype}")
        arr = arr.astype(np.float64, copy=False)
        bad = ~(arr >= 0)  # catches NaN too
        if bad.any():
            raise ValueError(f"step must be >= 0 and not NaN, got {float(arr[bad][0])!r} "
                             f"at index {tuple(int(i) for i in np.argwhere(bad)[0])}")
        if np.isinf(arr).any():
            raise ValueError("step must be finite, got inf")
        return arr
    value = _real("step", step)
    if not value >= 0:
        raise ValueError(f"step must be >= 0 and not NaN, got {step!r}")
    if math.isinf(value):
        raise ValueError(f"step must be finite, got {step!r}")
    return value


def _progress(t, T):
    """p = min(t, T) / T in [0, 1] for a validated step t and a validated T."""
    return np.minimum(t, T) / T if isinstance(t, np.ndarray) else min(t, T) / T


def _out(value, like):
    """A Python float for a scalar step, an ndarray of the step's shape otherwise."""
    return np.asarray(value, dtype=np.float64) if isinstance(like, np.ndarray) else float(value)


def _cycles(cycles):
    if isinstance(cycles, bool) or not isinstance(cycles, numbers.Integral):
        raise TypeError(f"cycles must be an integer, got {cycles!r}")
    if cycles < 1:
        raise ValueError(f"cycles must be >= 1, got {cycles!r}")
    _finite("cycles", cycles)  # an int beyond the float range cannot scale p
    return int(cycles)


def _ratio(ratio):
    ratio = _finite("ratio", ratio)
    if not 0 < ratio <= 1:
        raise ValueError(f"ratio must be in (0, 1], got {ratio!r}")
    return ratio


# --------------------------------------------------------------------------- ramps
# Each formula takes p in [0, 1]: `weight` (which every public ramp calls) gets p from
# the validated step, `schedule` builds all T + 1 values of p at once; either way p is a
# new array (or a number) that the formula may overwrite. numpy reuses the
# intermediate arrays of an expression such as `w * (1 - x) / 2` by itself, but not for a
# function call: `_inplace(np.exp, x)` is np.exp(x) written into the new array x, so that
# a schedule of 10^6 steps needs no extra full-size array for it.

def _inplace(ufunc, x):
    """ufunc(x) written into x, an array just computed (a new number for a scalar)."""
    return ufunc(x, out=x) if isinstance(x, np.ndarray) else ufunc(x)


def _linear(p, w):
    return w * p


def _cosine(p, w):
    # (1 - cos(pi p)) / 2 written as (1 - sin(pi (1/2 - p))) / 2, the same function,
    # so that p = 1/2 gives exactly w/2 (cos(pi/2) is 6e-17 in floating point); the
    # factor w goes last so that w near the float maximum cannot overflow.
    return w * ((1 - np.sin(np.pi * (0.5 - p))) / 2)


def _power(p, w, a):
    # w * p ** a, computed in place: p is this call's own array of progress (or a number),
    # so p ** a, and then its product with w, are written into p instead of new arrays.
    p **= a
    p *= w
    return p


def _exponential(p, w, rate):
    # w (1 - exp(-rate p)) = -w expm1(-rate p); expm1 is accurate for small rate p as well.
    # numpy's expm1 is slower than its exp; computing it in place makes up for that.
    return -w * _inplace(np.expm1, -rate * p)


def _normalized_exponential(p, w, rate):
    # w (1 - exp(-rate p)) / (1 - exp(-rate)) = w expm1(-rate p) / expm1(-rate)
    return w * (_inplace(np.expm1, -rate * p) / np.expm1(-rate))


def _sigmoid(p, w):
    return w * _inplace(np.exp, -5 * (1 - p) ** 2)


def _logistic(p, w):
    return w * (2 / (1 + _inplace(np.exp, -10 * p)) - 1)


def _cyclical(p, w, cycles, ratio):
    u = p * cycles
    # position in the current cycle; t = T counts as the end of the last cycle
    position = u - np.minimum(np.floor(u), cycles - 1)
    return w * np.minimum(position / ratio, 1)


_FORMULAS = {"linear": _linear, "cosine": _cosine, "power": _power,
             "exponential": _exponential,
             "normalized_exponential": _normalized_exponential,
             "sigmoid": _sigmoid, "logistic": _logistic, "cyclical": _cyclical}
_PARAM_CHECKS = {"a": lambda a: _positive("a", a),
                 "rate": lambda rate: _positive("rate", rate),
                 "cycles": _cycles, "ratio": _ratio}


def linear(step, total_steps, max_weight=1.0):
    """Linear ramp: w_t = w * t / T.

    >>> linear(25, 100)
    0.25
    """
    return weight("linear", step, total_steps, max_weight)


def cosine(step, total_steps, max_weight=1.0):
    """Cosine ramp: w_t = w * (1 - cos(pi * t / T)) / 2.

    Same mean as linear (w/2), zero slope at t = 0 and t = T.

    >>> cosine(100, 100)
    1.0
    >>> round(cosine(25, 100), 12)
    0.146446609407
    """
    return weight("cosine", step, total_steps, max_weight)


def power(step, total_steps, max_weight=1.0, a=2.0):
    """Power ramp: w_t = w * (t / T) ** a, with a > 0.

    a = 1 is linear, a > 1 starts slow (convex), 0 < a < 1 starts fast (concave).

    >>> power(50, 100)
    0.25
    >>> power(50, 100, a=0.5) == 0.5 ** 0.5
    True
    """
    return weight("power", step, total_steps, max_weight, a=a)


def exponential(step, total_steps, max_weight=1.0, rate=4.0):
    """Exponential ramp: w_t = w * (1 - exp(-rate * t / T)).

    Never reaches w: at t = T it is w * (1 - exp(-rate)), 1.83 % short for rate = 4.

    >>> round(exponential(100, 100), 6)
    0.981684
    """
    return weight("exponential", step, total_steps, max_weight, rate=rate)


def normalized_exponential(step, total_steps, max_weight=1.0, rate=4.0):
    """Normalized exponential ramp: w_t = w * (1 - exp(-rate t/T)) / (1 - exp(-rate)).

    The exponential ramp rescaled to reach w exactly at t = T; rate -> 0 gives linear.

    >>> normalized_exponential(100, 100)
    1.0
    """
    return weight("normalized_exponential", step, total_steps, max_weight, rate=rate)


def sigmoid(step, total_steps, max_weight=1.0):
    """Sigmoid ramp-up: w_t = w * exp(-5 (1 - t/T)^2) (Laine & Aila 2017).

    Starts at w * exp(-5) = 0.0067 w, not 0, as in the paper.

    >>> round(sigmoid(0, 100), 6)
    0.006738
    """
    return weight("sigmoid", step, total_steps, max_weight)


def logistic(step, total_steps, max_weight=1.0):
    """Logistic ramp: w_t = w * (2 / (1 + exp(-10 t/T)) - 1) (Ganin & Lempitsky 2015).

    Ends at w * (2 / (1 + exp(-10)) - 1) = 0.99991 w, not w, as in the paper.

    >>> round(logistic(100, 100), 5)
    0.99991
    """
    return weight("logistic", step, total_steps, max_weight)


def cyclical(step, total_steps, max_weight=1.0, cycles=4, ratio=0.5):
    """Cyclical annealing (Fu et al. 2019): ``cycles`` equal cycles over T steps;
    in each, linear from 0 to w over the first ``ratio`` of the cycle, then w.

    With u = cycles * t / T and position x = u - floor(u) (x = 1 at t = T):
    w_t = w * min(x / ratio, 1).

    >>> [cyclical(t, 8, cycles=2) for t in range(9)]
    [0.0, 0.5, 1.0, 1.0, 0.0, 0.5, 1.0, 1.0, 1.0]
    """
    return weight("cyclical", step, total_steps, max_weight, cycles=cycles, ratio=ratio)


# --------------------------------------------------------------------------- dispatch

def _method(method):
    if not isinstance(method, str):
        raise TypeError(f"method must be a string, one of {', '.join(METHODS)}; "
                        f"got {method!r}")
    if method not in _FORMULAS:
        raise ValueError(f"Unknown method: {method!r}; valid methods are "
                         f"{', '.join(METHODS)}")
    return method


def _params(method, params):
    """The method's parameters (defaults filled in), validated."""
    allowed = PARAMS[method]
    for name in params:
        if name not in allowed:
            takes = ", ".join(allowed) if allowed else "no parameters"
            raise TypeError(f"{method} got an unexpected parameter {name!r}={params[name]!r}; "
                            f"{method} takes {takes}")
    return {name: _PARAM_CHECKS[name](params.get(name, default))
            for name, default in allowed.items()}


def weight(method, step, total_steps, max_weight=1.0, decay=None, **params):
    """The weight of ``method`` at ``step``: ``weight("power", t, T, w, a=2)``.

    ``method`` is one of METHODS; ``params`` are the method's own (see PARAMS).
    ``decay`` turns the ramp r into a falling schedule, one of DECAYS:

    decay="reversal":   d_t = r(T - t)   (PyTorch PolynomialLR is the reversed power ramp)
    decay="complement": d_t = w - r(t)   (the complemented exponential is geometric
                                          cooling w * exp(-rate t / T))

    A ramp from 0 to w (linear, cosine, power) gives decays from w to 0; for linear and
    cosine the two are the same curve. The exponential ramp ends at 0.98168 w, so its
    reversal starts there and its complement ends at 0.0183 w. Past T the final value holds.

    >>> weight("power", 50, 100, max_weight=2.0, a=3)
    0.25
    >>> weight("linear", [0, 50, 100, 150], 100)
    array([0. , 0.5, 1. , 1. ])
    >>> weight("power", 25, 100, a=2, decay="reversal")
    0.5625
    >>> weight("power", 25, 100, a=2, decay="complement")
    0.9375
    """
    formula = _FORMULAS[_method(method)]
    checked = _params(method, params)
    how = _decay_kind(decay)
    t = _steps(step)
    T = _positive("total_steps", total_steps)
    w = _finite("max_weight", max_weight)
    if how == "reversal":  # the ramp at step T - t
        return _out(formula(_progress(T - np.minimum(t, T), T), w, **checked), t)
    ramp = formula(_progress(t, T), w, **checked)
    return _out(w - ramp if how == "complement" else ramp, t)


def _total_steps_int(total_steps):
    if isinstance(total_steps, bool) or not isinstance(total_steps, numbers.Real):
        raise TypeError(f"total_steps must be an integer, got {total_steps!r}")
    T = _positive("total_steps", total_steps)
    if not T.is_integer():
        raise ValueError(f"total_steps must be a whole number of steps here, "
                         f"got {total_steps!r}")
    return int(T)


def validate(method, total_steps=1, max_weight=1.0, **params):
    """Check the arguments of `schedule` as it checks them, and return them as it uses
    them: ``(total_steps, max_weight, params)``, an int, a float and the method's
    parameters with their defaults filled in (see PARAMS).

    For code that keeps these arguments to use later (a plot, a slider panel), so that a
    bad value fails at once, with the message `schedule` would give.

    >>> validate("power", 100.0, 2, a=3)
    (100, 2.0, {'a': 3.0})
    >>> validate("cosine", 100, a=3)
    Traceback (most recent call last):
        ...
    TypeError: cosine got an unexpected parameter 'a'=3; cosine takes no parameters
    """
    _method(method)
    return (_total_steps_int(total_steps), _finite("max_weight", max_weight),
            _params(method, params))


def schedule(method, total_steps, max_weight=1.0, decay=None, **params):
    """The T + 1 weights for steps 0, 1, ..., T as a float64 ndarray.

    ``decay`` = "reversal" or "complement" turns the ramp into a decay (see `weight`).
    The reversal is the ramp's schedule read backwards, equal to ``schedule(...)[::-1]``
    to the last bit.

    >>> schedule("power", 4, a=2)
    array([0.    , 0.0625, 0.25  , 0.5625, 1.    ])
    >>> schedule("linear", 4, decay="reversal")
    array([1.  , 0.75, 0.5 , 0.25, 0.  ])
    """
    T, w, checked = validate(method, total_steps, max_weight, **params)
    formula = _FORMULAS[method]
    how = _decay_kind(decay)
    try:
        p = np.arange(T + 1, dtype=np.float64)
    except (MemoryError, ValueError):  # numpy's message names neither T nor schedule
        raise ValueError(f"total_steps={total_steps!r} is too large for schedule: "
                         f"{T + 1} float64 values do not fit in memory") from None
    p /= T
    ramp = formula(p, w, **checked)
    if how == "reversal":
        # Reverse the result, not p: numpy may round a reversed (strided) array through
        # another SIMD path than a contiguous one, so only this is bit-exact on every CPU.
        return ramp[::-1].copy()
    if how == "complement":
        np.subtract(w, ramp, out=ramp)  # w - ramp, in place
    return ramp


def _decay_kind(decay):
    if decay is None:
        return None
    if not isinstance(decay, str):
        raise TypeError(f"decay must be None or a string, one of {', '.join(DECAYS)}; "
                        f"got {decay!r}")
    if decay not in DECAYS:
        raise ValueError(f"decay must be one of {', '.join(DECAYS)} (or None); got {decay!r}")
    return decay


# --------------------------------------------------------------------------- properties
# Numeric measurements of a schedule, which the notebooks compare with closed forms.

def step_at(method, level, total_steps, max_weight=1.0, **params):
    """The first (fractional) step at which a ramp reaches ``level``, by bisection on
    `weight` to float precision; None if it never does.

    A ramp with ``max_weight`` w < 0 falls from 0 to w: it reaches ``level`` where it
    first falls to it, the step at which the ramp to -w rises to -level.

    >>> step_at("linear", 0.25, 100)
    25.0
    >>> step_at("exponential", 1.0, 100) is None  # 1.83 % short at T
    True
    >>> step_at("linear", -0.25, 100, max_weight=-1.0)
    25.0
    """
    if _method(method) == "cyclical":
        raise ValueError("step_at needs a monotonic ramp; method='cyclical' is not")
    level = _finite("level", level)
    T = _positive("total_steps", total_steps)
    if _finite("max_weight", max_weight) < 0:  # the mirror image, a rising ramp
        return step_at(method, -level, T, -max_weight, **params)
    if weight(method, T, T, max_weight, **params) < level:
        return None
    if weight(method, 0, T, max_weight, **params) >= level:
        return 0.0
    lo, hi = 0.0, T
    for _ in range(100):  # weight(lo) < level <= weight(hi) throughout
        mid = lo + (hi - lo) / 2  # (lo + hi) / 2 overflows for T near the float maximum
        if mid in (lo, hi):
            break
        lo, hi = (mid, hi) if weight(method, mid, T, max_weight, **params) < level else (lo, mid)
    return hi


def mean_weight(method, total_steps, max_weight=1.0, decay=None, **params):
    """The mean weight over [0, T]: the trapezoid rule on `schedule`, divided by T
    (of the decay made from the ramp, if ``decay`` is given).

    Its error against the integral shrinks like 1/T^2 for a ramp with a bounded curvature
    (second derivative), and for the power ramp with a > 1; like 1/T^(1+a) for the power
    ramp with a < 1 (and its decays), whose slope at 0 is unbounded; and like 1/T for
    `cyclical` when a cycle ends on a step (the trapezoid rule turns its drop into a
    one-step slope).

    >>> mean_weight("linear", 10)
    0.5
    """
    w = _finite("max_weight", max_weight)
    # The mean of the schedule for w = 1, times w: a sum of T + 1 values near the float
    # maximum would overflow, their mean does not.
    values = schedule(method, total_steps, 1.0, decay, **params)
    # fsum: the exactly rounded sum, so no rounding error piles up over 10^6 terms
    unit = (math.fsum(values) - float(values[0] + values[-1]) / 2) / (len(values) - 1)
    return w * unit


# --------------------------------------------------------------------------- display
# Plots, sliders, figures and their colours live in dynweights_display.py (which imports
# this module); they are reachable from here too, loaded on first use.
_DISPLAY = ("COLORS", "plot_schedules", "markdown_table", "slider_panel", "explore",
            "write_figures")


def __getattr__(name):
    if name in _DISPLAY:
        import dynweights_display

        return getattr(dynweights_display, name)
    raise AttributeError(f"module 'dynweights' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_DISPLAY])


if __name__ == "__main__":
    # `python -m dynweights` runs this file as the module __main__, and the display
    # module's `import dynweights` would then run it a second time, as another module.
    # Registered under its own name too, it is imported once.
    import sys

    sys.modules.setdefault("dynweights", sys.modules[__name__])
    from dynweights_display import main

    raise SystemExit(main())
