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
