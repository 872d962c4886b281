"""Dynamic weights: loss weights that grow from 0 to ``max_weight`` over training.

The reference implementation of the dynweights tutorial. Notation, used everywhere:
``t`` = ``step``, ``T`` = ``total_steps``, ``w`` = ``max_weight``, ``p = min(t, T) / T``.

>>> import dynweights as dw
>>> dw.weight("cosine", 50, 100)
0.5
>>> dw.schedule("linear", 4, max_weight=2.0)
array([0. , 0.5, 1. , 1.5, 2. ])

Every ramp is evaluated as one numpy expression of ``p``, so a scalar step and an
array of steps go through the same code. Steps past ``T`` hold the final value.
Only numpy is imported here; the plot and widget helpers import matplotlib and
ipywidgets when called.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "METHODS", "BASIC_METHODS", "DECAYS", "PARAMS",
    "linear", "cosine", "power", "exponential", "normalized_exponential",
    "sigmoid", "logistic", "cyclical",
    "weight", "schedule", "decay", "step_at", "mean_weight",
    "plot_schedules", "markdown_table", "slider_panel", "explore", "write_figures", "main",
]

__version__ = "1.0.0"

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
COLORS = {"linear": "tab:blue", "cosine": "tab:orange", "power": "tab:green",
          "exponential": "tab:red", "normalized_exponential": "tab:purple",
          "sigmoid": "tab:brown", "logistic": "tab:pink", "cyclical": "tab:gray"}


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


def _progress(t, total_steps):
    """p = min(t, T) / T in [0, 1] for a validated step t, after checking T."""
    T = _positive("total_steps", total_steps)
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
# the validated step, `schedule` builds all T + 1 values of p at once.

def _linear(p, w):
    return w * p


def _cosine(p, w):
    # (1 - cos(pi p)) / 2 written as (1 - sin(pi (1/2 - p))) / 2, the same function,
    # so that p = 1/2 gives exactly w/2 (cos(pi/2) is 6e-17 in floating point); the
    # factor w goes last so that w near the float maximum cannot overflow.
    return w * ((1 - np.sin(np.pi * (0.5 - p))) / 2)


def _power(p, w, a):
    return w * p ** a


def _exponential(p, w, rate):
    # -expm1(-x) = 1 - exp(-x), accurate for small x as well
    return w * -np.expm1(-rate * p)


def _normalized_exponential(p, w, rate):
    return w * (np.expm1(-rate * p) / np.expm1(-rate))


def _sigmoid(p, w):
    return w * np.exp(-5 * (1 - p) ** 2)


def _logistic(p, w):
    return w * (2 / (1 + np.exp(-10 * p)) - 1)


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
    """Exponential ramp: w_t = w * (1 - exp(-t / tau)), tau = T / rate.

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


def weight(method, step, total_steps, max_weight=1.0, **params):
    """The weight of ``method`` at ``step``: ``weight("power", t, T, w, a=2)``.

    ``method`` is one of METHODS; ``params`` are the method's own (see PARAMS).

    >>> weight("power", 50, 100, max_weight=2.0, a=3)
    0.25
    >>> weight("linear", [0, 50, 100, 150], 100)
    array([0. , 0.5, 1. , 1. ])
    """
    formula = _FORMULAS[_method(method)]
    checked = _params(method, params)
    t = _steps(step)
    return _out(formula(_progress(t, total_steps), _finite("max_weight", max_weight),
                        **checked), t)


def _total_steps_int(total_steps):
    if isinstance(total_steps, bool) or not isinstance(total_steps, numbers.Real):
        raise TypeError(f"total_steps must be an integer, got {total_steps!r}")
    T = _positive("total_steps", total_steps)
    if not T.is_integer():
        raise ValueError(f"total_steps must be a whole number in schedule, "
                         f"got {total_steps!r}")
    return int(T)


def schedule(method, total_steps, max_weight=1.0, decay=None, **params):
    """The T + 1 weights for steps 0, 1, ..., T as a float64 ndarray.

    ``decay`` = "reversal" or "complement" turns the ramp into a decay (see `decay`).

    >>> schedule("power", 4, a=2)
    array([0.    , 0.0625, 0.25  , 0.5625, 1.    ])
    >>> schedule("linear", 4, decay="reversal")
    array([1.  , 0.75, 0.5 , 0.25, 0.  ])
    """
    formula = _FORMULAS[_method(method)]
    checked = _params(method, params)
    T = _total_steps_int(total_steps)
    w = _finite("max_weight", max_weight)
    how = _decay_kind(decay, "decay") if decay is not None else None
    p = np.arange(T + 1, dtype=np.float64) / T
    if how == "reversal":
        p = p[::-1]
    ramp = formula(p, w, **checked)
    return w - ramp if how == "complement" else ramp


def _decay_kind(by, name):
    if not isinstance(by, str):
        raise TypeError(f"{name} must be a string, one of {', '.join(DECAYS)}; got {by!r}")
    if by not in DECAYS:
        raise ValueError(f"{name} must be one of {', '.join(DECAYS)}; got {by!r}")
    return by


def decay(method, step, total_steps, max_weight=1.0, by="reversal", **params):
    """A decay from ~w to ~0 made from the ramp r of ``method``.

    by="reversal":   d_t = r(T - t)   (PyTorch PolynomialLR is the reversed power ramp)
    by="complement": d_t = w - r(t)   (the complemented exponential is geometric
                                       cooling w * exp(-rate t / T))
    For linear and cosine both are the same curve. Steps past T hold the final value.

    >>> decay("power", 25, 100, a=2)
    0.5625
    >>> decay("power", 25, 100, by="complement", a=2)
    0.9375
    """
    formula = _FORMULAS[_method(method)]
    checked = _params(method, params)
    how = _decay_kind(by, "by")
    t = _steps(step)
    T = _positive("total_steps", total_steps)
    w = _finite("max_weight", max_weight)
    if how == "reversal":  # the ramp at step T - t, its p computed as `schedule` does
        return _out(formula(_progress(T - np.minimum(t, T), T), w, **checked), t)
    return _out(w - formula(_progress(t, T), w, **checked), t)


# --------------------------------------------------------------------------- properties
# Numeric measurements of a schedule, which the notebooks compare with closed forms.

def step_at(method, level, total_steps, max_weight=1.0, **params):
    """The first (fractional) step at which a non-decreasing ramp reaches ``level``,
    by bisection on `weight` to float precision; None if it never does.

    >>> step_at("linear", 0.25, 100)
    25.0
    >>> step_at("exponential", 1.0, 100) is None  # 1.83 % short at T
    True
    """
    if _method(method) == "cyclical":
        raise ValueError("step_at needs a non-decreasing ramp; method='cyclical' is not")
    level = _finite("level", level)
    T = _positive("total_steps", total_steps)
    if weight(method, T, T, max_weight, **params) < level:
        return None
    if weight(method, 0, T, max_weight, **params) >= level:
        return 0.0
    lo, hi = 0.0, T
    for _ in range(100):  # weight(lo) < level <= weight(hi) throughout
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        lo, hi = (mid, hi) if weight(method, mid, T, max_weight, **params) < level else (lo, mid)
    return hi


def mean_weight(method, total_steps, max_weight=1.0, decay=None, **params):
    """The mean weight over [0, T]: the trapezoid rule on `schedule`, divided by T
    (of the decay made from the ramp, if ``decay`` is given).

    Its error against the integral is O(1/T^2).

    >>> mean_weight("linear", 10)
    0.5
    """
    values = schedule(method, total_steps, max_weight, decay, **params)
    # fsum: the exactly rounded sum, so no rounding error piles up over 10^6 terms
    return (math.fsum(values) - float(values[0] + values[-1]) / 2) / (len(values) - 1)


# --------------------------------------------------------------------------- plots

def _route(methods, params):
    """Split shared keyword params (e.g. a, rate) among the methods that take them."""
    methods = tuple(_method(m) for m in methods)
    known = {name for m in methods for name in PARAMS[m]}
    for name in params:
        if name not in known:
            raise TypeError(f"unexpected parameter {name!r}: none of "
                            f"{', '.join(methods)} takes it")
    return {m: {k: v for k, v in params.items() if k in PARAMS[m]} for m in methods}


def _label(method, params):
    name = method.replace("_", " ").capitalize()
    shown = ", ".join(f"{k}={v:g}" for k, v in params.items())
    return f"{name} ({shown})" if shown else name


def plot_schedules(methods=BASIC_METHODS, total_steps=100, max_weight=1.0, ax=None,
                   labels=False, **params):
    """Draw each method's schedule over steps 0..T on ``ax`` (a new figure if None).

    Shared ``params`` (e.g. ``a=3``, ``rate=2``) go to the methods that take them;
    ``labels=True`` puts the parameters into the legend. Returns the Axes.
    """
    import matplotlib.pyplot as plt

    routed = _route(methods, params)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 6))
    steps = np.arange(_total_steps_int(total_steps) + 1)
    for method, own in routed.items():
        ax.plot(steps, schedule(method, total_steps, max_weight, **own),
                label=_label(method, own if labels else {}), color=COLORS[method])
    ax.set_title("Dynamic Weights Over Training Steps")
    ax.set_xlabel("Training Steps")
    ax.set_ylabel("Weight")
    ax.legend()
    ax.grid(True)
    return ax


# --------------------------------------------------------------------------- widgets

def markdown_table(header, rows):
    """A Markdown table (IPython display object) from a header and rows of cells."""
    from IPython.display import Markdown

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return Markdown("\n".join(lines))


def _png(fig):
    import io

    buf = io.BytesIO()
    # no Software/date metadata: the same figure gives the same bytes; zlib level 3
    # instead of 6 encodes a 640 x 360 panel in 7 ms instead of 11 (20 % more bytes)
    fig.savefig(buf, format="png", metadata={"Software": None},
                pil_kwargs={"compress_level": 3})
    return buf.getvalue()


def _png_of(canvas):
    """PNG bytes of what an Agg canvas holds now (no metadata, zlib level 3)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buf, format="png",
                                                            compress_level=3)
    return buf.getvalue()


def slider_panel(draw, sliders, *, figsize=(8, 4.5), dpi=80):
    """A live figure under sliders, for any experiment: returns an ipywidgets.VBox.

    ``sliders`` maps names to ipywidgets value widgets; ``draw(fig, **values)`` draws
    the matplotlib Figure ``fig`` for the current values (it may clear it, or update the
    artists it made on its first call). It runs once now and on every slider change.
    It may return PNG bytes it rendered itself (`explore` does, to redraw only its
    lines while the axes stay the same); if it returns None, ``fig`` is saved as PNG.
    The figure is shown as an ``ipywidgets.Image`` of PNG bytes: one Figure, updated in
    place (no pile-up of figures, no flicker), and a notebook re-executed by nbval gives
    the same outputs as the stored ones, which `interact` does not.
    """
    import ipywidgets as widgets
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    fig = Figure(figsize=figsize, dpi=dpi)
    image = widgets.Image(format="png")

    def redraw(change=None):
        png = draw(fig, **{name: s.value for name, s in sliders.items()})
        if png is None:
            if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
                # left by fig.tight_layout(); with it, savefig draws the figure twice
                # (measured: 54 -> 39 ms per PNG), and the layout is already fixed
                fig.set_layout_engine(None)
            png = _png(fig)
        image.value = png

    redraw()
    for s in sliders.values():
        s.observe(redraw, names="value")
    controls = list(sliders.values())
    rows = [widgets.HBox(controls[i:i + 2]) for i in range(0, len(controls), 2)]
    return widgets.VBox(rows + [image])


def explore(methods=BASIC_METHODS, total_steps=100, max_weight=1.0, *,
            max_total_steps=1000, figsize=(8, 4.5), dpi=80, **params):
    """Sliders for T and w (and a, rate, cycles, ratio where a method takes them)
    above a live plot of the schedules of ``methods``. Returns an ipywidgets.VBox.

    Starting values: ``total_steps``, ``max_weight`` and ``params`` (e.g. ``a=3``).
    Each change updates the lines' data in one Figure (see `slider_panel`).
    """
    import ipywidgets as widgets

    routed = _route(methods, params)
    start = {}
    for m, own in routed.items():  # validated here: a slider would clamp a bad value
        start.update(_params(m, own))
    total_steps = _total_steps_int(total_steps)
    max_weight = _positive("max_weight", max_weight)
    common = dict(continuous_update=True, style={"description_width": "initial"},
                  layout=widgets.Layout(width="420px"))
    sliders = {
        "total_steps": widgets.IntSlider(value=total_steps, min=1,
                                         max=max(total_steps, int(max_total_steps)),
                                         description="T (total steps)", **common),
        "max_weight": widgets.FloatSlider(value=max_weight, min=min(0.1, max_weight),
                                          max=max(2.0, max_weight), step=0.1,
                                          description="w (max weight)", **common),
    }
    # a linear slider: a log slider snaps a = 2 to 10^0.30 = 1.99526 and redraws
    make = {"a": lambda v: widgets.FloatSlider(value=v, min=min(0.1, v), max=max(6.0, v),
                                               step=0.05, description="a (power)", **common),
            "rate": lambda v: widgets.FloatSlider(value=v, min=min(0.1, v), max=max(10.0, v),
                                                  step=0.1, description="rate", **common),
            "cycles": lambda v: widgets.IntSlider(value=v, min=1, max=max(10, v),
                                                  description="cycles", **common),
            "ratio": lambda v: widgets.FloatSlider(value=v, min=0.05, max=1, step=0.05,
                                                   description="ratio", **common)}
    for name, value in start.items():
        sliders[name] = make[name](value)
    lines, drawn = {}, {}

    def draw(fig, total_steps, max_weight, **values):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        if not lines:  # first call: build the axes once, later calls move the data
            FigureCanvasAgg(fig)
            ax = fig.add_subplot()
            ax.set_title(f"T={total_steps}, w={max_weight:.3g}")  # room for it in the layout
            for m in routed:
                lines[m], = ax.plot([], [], color=COLORS[m], label=_label(m, {}))
            ax.set_xlabel("Training Steps")
            ax.set_ylabel("Weight")
            ax.grid(True)
            ax.legend(loc="lower right")
            fig.tight_layout()
            fig.set_layout_engine(None)  # the layout is fixed from here on
        ax, canvas = fig.axes[0], fig.canvas
        steps = np.arange(total_steps + 1)
        for m, line in lines.items():
            own = {k: values[k] for k in PARAMS[m]}
            line.set_data(steps, schedule(m, total_steps, max_weight, **own))
        if drawn.get("limits") != (total_steps, max_weight):
            # new axes: draw everything but the lines once and keep it as the background
            ax.set_xlim(0, total_steps)
            ax.set_ylim(-0.03 * max_weight, 1.05 * max_weight)
            ax.set_title(f"T={total_steps}, w={max_weight:.3g}")
            for line in lines.values():
                line.set_visible(False)
            canvas.draw()
            drawn.update(limits=(total_steps, max_weight),
                         background=canvas.copy_from_bbox(fig.bbox))
            for line in lines.values():
                line.set_visible(True)
        else:  # only a, rate, cycles or ratio moved: redraw the lines alone (3x faster)
            canvas.restore_region(drawn["background"])
        for line in lines.values():
            ax.draw_artist(line)
        ax.draw_artist(ax.get_legend())  # over the lines, as in a full drawing
        return _png_of(canvas)

    return slider_panel(draw, sliders, figsize=figsize, dpi=dpi)


# --------------------------------------------------------------------------- figures

def write_figures(out="figures"):
    """Write every figure of the tutorial into ``out``; returns the paths written."""
    import os

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(out, exist_ok=True)
    written = []

    def save(fig, name):
        path = os.path.join(out, name)
        fig.savefig(path, metadata={"Software": None})
        plt.close(fig)
        written.append(path)

    # The source post's figure: T = 100, w = 1, a = 2, 10 x 6 inches.
    fig, ax = plt.subplots(figsize=(10, 6))
    plot_schedules(BASIC_METHODS, 100, 1.0, ax=ax)
    save(fig, "dynamic_weights.png")

    # The family of notebook 08: more ramps, cyclical annealing, and decays both ways.
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(16, 6), sharey=True)
    plot_schedules(("linear", "exponential", "normalized_exponential", "sigmoid", "logistic"),
                   100, 1.0, ax=left)
    left.set_title("More ramp-ups (T = 100, w = 1)")
    plot_schedules(("cyclical",), 100, 1.0, ax=middle, labels=True, cycles=4, ratio=0.5)
    steps = np.arange(101)
    middle.plot(steps, schedule("linear", 100), ":", color=COLORS["linear"],
                label="Linear (one ramp)")
    middle.set_title("Cyclical annealing (Fu et al. 2019)")
    middle.set_ylabel("")
    for m in ("power", "exponential"):
        for by, ls in (("reversal", "-"), ("complement", ":")):
            right.plot(steps, schedule(m, 100, decay=by), ls, color=COLORS[m],
                       label=f"{m} ramp, {by}")
    right.plot(steps, schedule("cosine", 100, decay="reversal"), color=COLORS["cosine"],
               label="cosine ramp, reversal = complement")
    right.set_title("Decays made from ramps")
    right.set_xlabel("Training Steps")
    right.grid(True)
    # legends below the axes, so that no curve hides behind one
    for ax, ncol in ((left, 2), (middle, 1), (right, 2)):
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=ncol)
    fig.tight_layout()
    save(fig, "beyond.png")
    return written


def main(argv=None):
    """Command line: ``python -m dynweights figures [--out DIR]``."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m dynweights",
        description="Dynamic loss-weight schedules: the tutorial's reference module.")
    commands = parser.add_subparsers(dest="command", required=True)
    figures = commands.add_parser("figures", help="regenerate the tutorial's figures")
    figures.add_argument("--out", default="figures",
                         help="folder to write the PNGs into (default: figures)")
    args = parser.parse_args(argv)
    for path in write_figures(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
