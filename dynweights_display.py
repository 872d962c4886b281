"""Plots, sliders, figures and the command line of the dynweights tutorial.

The display half of the reference module: matplotlib and ipywidgets are imported
inside the functions, and every value drawn comes from `dynweights`, through its public
names only. Reach these as ``dynweights.plot_schedules``, ``dynweights.explore``,
``dynweights.COLORS`` and so on (``import dynweights`` forwards the names), and
regenerate ``figures/`` with ``python -m dynweights figures`` (`main`).
"""

import numpy as np

from dynweights import BASIC_METHODS, PARAMS, schedule, validate

# One colour per method, the four ramps in the order and colours of the source post's figure.
COLORS = {"linear": "tab:blue", "cosine": "tab:orange", "power": "tab:green",
          "exponential": "tab:red", "normalized_exponential": "tab:purple",
          "sigmoid": "tab:brown", "logistic": "tab:pink", "cyclical": "tab:gray"}


# --------------------------------------------------------------------------- plots

def _route(methods, params, total_steps, max_weight):
    """Split shared keyword params (e.g. a, rate) among the methods that take them:
    {method: the params given for it}. Every argument is checked first, as `schedule`
    checks it (`dynweights.validate`), so that bad input fails before anything is drawn."""
    methods = tuple(methods)
    for m in methods:
        validate(m)  # a known method name, or the error that lists the valid ones
    known = {name for m in methods for name in PARAMS[m]}
    for name in params:
        if name not in known:
            raise TypeError(f"unexpected parameter {name!r}: none of "
                            f"{', '.join(methods)} takes it")
    routed = {m: {k: v for k, v in params.items() if k in PARAMS[m]} for m in methods}
    for m, own in routed.items():
        validate(m, total_steps, max_weight, **own)
    return routed


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
    routed = _route(methods, params, total_steps, max_weight)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(10, 6))
    for method, own in routed.items():
        values = schedule(method, total_steps, max_weight, **own)
        ax.plot(np.arange(values.size), values,
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


def _png(canvas):
    """PNG bytes of what an Agg canvas holds now (RGB: the figure is opaque).

    Written here rather than by Pillow, for speed: every row gets PNG's "Up" filter (the
    difference to the row above, zero over most of a plot), computed by numpy in one
    step, and zlib's run-length strategy at level 1 packs the result. A 1280 x 720 panel
    (640 x 360 at twice the pixels, see `slider_panel`) takes about 8 ms of CPU instead of
    Pillow's 13-17 ms, and no metadata: the same figure gives the same bytes.
    """
    import struct
    import zlib

    rgb = np.asarray(canvas.buffer_rgba())[..., :3]
    height, width, _ = rgb.shape
    flat = rgb.reshape(height, width * 3)
    rows = np.empty((height, 1 + width * 3), np.uint8)
    rows[:, 0] = 2                                        # filter type "Up" on every row
    rows[0, 1:] = flat[0]                                 # (the row above row 0 is zeros)
    np.subtract(flat[1:], flat[:-1], out=rows[1:, 1:])    # modulo 256, as PNG wants
    packer = zlib.compressobj(1, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    data = packer.compress(rows) + packer.flush()

    def chunk(kind, body):
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
            + chunk(b"IEND", b""))


def slider_panel(draw, sliders, *, figsize=(8, 4.5), dpi=80, pixel_ratio=2):
    """A live figure under sliders, for any experiment: returns an ipywidgets.VBox.

    ``sliders`` maps names to ipywidgets value widgets; ``draw(fig, **values)`` draws
    the matplotlib Figure ``fig`` for the current values (it may clear it, or update the
    artists it made on its first call). It runs once now and on every slider change.
    It may return PNG bytes it rendered itself on ``fig.canvas`` (`explore` does, to
    redraw only its lines while the axes stay the same); if it returns None, the whole
    figure is drawn and encoded.
    The figure is shown as an ``ipywidgets.Image`` of PNG bytes: one Figure, updated in
    place (no pile-up of figures, no flicker), and a notebook re-executed by nbval gives
    the same outputs as the stored ones, which `interact` does not.

    The image is shown ``figsize * dpi`` CSS pixels wide (640 x 360 by default), never
    stretched to the cell's width, and drawn with ``pixel_ratio`` device pixels per CSS
    pixel (dpi * pixel_ratio), so that its text is sharp on HiDPI screens too.
    """
    import ipywidgets as widgets
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=dpi * pixel_ratio)
    canvas = FigureCanvasAgg(fig)
    # the width it is drawn for; the height follows from the PNG's aspect ratio
    image = widgets.Image(format="png",
                          layout=widgets.Layout(width=f"{round(figsize[0] * dpi)}px"))

    def redraw(change=None):
        png = draw(fig, **{name: s.value for name, s in sliders.items()})
        if png is None:
            # one canvas.draw, not savefig: after fig.tight_layout() savefig drew every
            # figure twice (measured: 54 -> 39 ms per PNG)
            canvas.draw()
            png = _png(canvas)
        image.value = png

    redraw()
    for s in sliders.values():
        s.observe(redraw, names="value")
    controls = list(sliders.values())
    rows = [widgets.HBox(controls[i:i + 2]) for i in range(0, len(controls), 2)]
    return widgets.VBox(rows + [image])


def explore(methods=BASIC_METHODS, total_steps=100, max_weight=1.0, *,
            max_total_steps=1000, figsize=(8, 4.5), dpi=80, pixel_ratio=2, **params):
    """Sliders for T and w (and a, rate, cycles, ratio where a method takes them)
    above a live plot of the schedules of ``methods``. Returns an ipywidgets.VBox.

    Starting values: ``total_steps``, ``max_weight`` and ``params`` (e.g. ``a=3``).
    Each change updates the lines' data in one Figure (see `slider_panel`).
    """
    routed = _route(methods, params, total_steps, max_weight)
    start = {}
    for m, own in routed.items():  # validated here: a slider would clamp a bad value
        total_steps, max_weight, checked = validate(m, total_steps, max_weight, **own)
        start.update(checked)
    if max_weight <= 0:  # the w slider starts above 0
        raise ValueError(f"max_weight must be > 0 for the sliders, got {max_weight!r}")
    import ipywidgets as widgets

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
        if not lines:  # first call: build the axes once, later calls move the data
            ax = fig.add_subplot()
            ax.set_title(f"T={total_steps}, w={max_weight:.3g}")  # room for it in the layout
            for m in routed:
                lines[m], = ax.plot([], [], color=COLORS[m], label=_label(m, {}))
            ax.set_xlabel("Training Steps")
            ax.set_ylabel("Weight")
            ax.grid(True)
            ax.legend(loc="lower right")
            fig.tight_layout()
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
        return _png(canvas)

    return slider_panel(draw, sliders, figsize=figsize, dpi=dpi, pixel_ratio=pixel_ratio)


# --------------------------------------------------------------------------- figures

def write_figures(out="figures"):
    """Write every figure of the tutorial into ``out``; returns the paths written.

    The figures are matplotlib ``Figure`` objects of their own, outside pyplot: the
    caller's backend and open figures stay as they were (in a notebook, inline plots
    keep showing).
    """
    import os

    from matplotlib.figure import Figure

    os.makedirs(out, exist_ok=True)
    written = []

    def save(fig, name):
        path = os.path.join(out, name)
        fig.savefig(path, metadata={"Software": None})
        written.append(path)

    # The source post's figure: T = 100, w = 1, a = 2, 10 x 6 inches.
    fig = Figure(figsize=(10, 6))
    plot_schedules(BASIC_METHODS, 100, 1.0, ax=fig.subplots())
    save(fig, "dynamic_weights.png")

    # The family of notebook 09: more ramps, cyclical annealing, and decays both ways.
    fig = Figure(figsize=(16, 6))
    left, middle, right = fig.subplots(1, 3, sharey=True)
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
