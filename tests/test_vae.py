"""examples/vae.py, the numpy VAE of notebook 11: gradients, masks, pairing, and the claims
that notebook 11 makes in prose (the tables it prints are compared by nbval).

The gradients are checked entry by entry against central finite differences in float64, for
both decoders, with and without free bits, on a small network of two stacked runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import dynweights as dw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))
import vae  # noqa: E402  (after the path is set)

# Seconds of training and finite differences: `make test` runs these, the fast tier does not.
pytestmark = pytest.mark.slow


def perturbed(autoregressive, seed=5):
    """A small float64 network of two runs, its weights moved off their initial values
    (biases start at zero, where a check would see too little)."""
    rng = np.random.default_rng(seed)
    params = vae.init([0, 1], hidden=6, latent=3, autoregressive=autoregressive)
    return {name: p + rng.normal(0, 0.3, p.shape) for name, p in params.items()}, rng


@pytest.mark.parametrize("free_bits", [0.0, 0.3, [0.0, 2.0]], ids=["plain", "free", "mixed"])
@pytest.mark.parametrize("autoregressive", [False, True], ids=["mlp", "autoregressive"])
def test_gradients_match_finite_differences(autoregressive, free_bits):
    params, rng = perturbed(autoregressive)
    x = (rng.random((2, 5, vae.PIXELS)) > 0.5).astype(float)
    eps = rng.standard_normal((2, 5, 3))
    beta = np.array([0.7, 1.3])
    loss, grads, _ = vae.loss_and_gradients(params, x, eps, beta, free_bits)
    assert sorted(grads) == sorted(params)
    h = 1e-5
    for name, weights in params.items():
        assert grads[name].shape == weights.shape, name
        entries = list(np.ndindex(weights.shape))
        if len(entries) > 400:  # A (2 x 64 x 64): 400 entries, masked and unmasked, suffice
            entries = [entries[i] for i in rng.choice(len(entries), 400, replace=False)]
        for at in entries:
            old = weights[at]
            weights[at] = old + h
            up = vae.loss_and_gradients(params, x, eps, beta, free_bits)[0]
            weights[at] = old - h
            down = vae.loss_and_gradients(params, x, eps, beta, free_bits)[0]
            weights[at] = old
            other = 1 - at[0]
            assert up[other] == down[other] == loss[other], "one run's weights moved another's loss"
            numeric = (up[at[0]] - down[at[0]]) / (2 * h)
            assert abs(grads[name][at] - numeric) <= 1e-8 + 1e-6 * abs(numeric), (name, at)


def test_free_bits_stop_the_kl_gradient_below_the_floor():
    params, rng = perturbed(False)
    x = (rng.random((2, 5, vae.PIXELS)) > 0.5).astype(float)
    eps = rng.standard_normal((2, 5, 3))
    loss, grads, kl = vae.loss_and_gradients(params, x, eps, [1.0, 1.0], free_bits=1e6)
    loss0, grads0, _ = vae.loss_and_gradients(params, x, eps, [0.0, 0.0])
    for name in grads:
        np.testing.assert_allclose(grads[name], grads0[name], rtol=0, atol=1e-12)
    # charged: 3 units at the floor each; the KL itself is still reported as it is
    np.testing.assert_allclose(loss - loss0, 3e6)
    assert np.all((kl > 0) & (kl < 1e3))


def test_decoder_is_autoregressive():
    """For a fixed code, pixel i's logit does not change with pixels i, i+1, ..., 63."""
    params, rng = perturbed(True)
    x = (rng.random((2, 4, vae.PIXELS)) > 0.5).astype(float)
    z = rng.standard_normal((2, 4, 3))
    _, logits = vae.decode(params, z, x)
    for i in range(vae.PIXELS):
        flipped = x.copy()
        flipped[..., i:] = 1 - flipped[..., i:]
        _, changed = vae.decode(params, z, flipped)
        np.testing.assert_array_equal(changed[..., :i + 1], logits[..., :i + 1])
        if i < vae.PIXELS - 1:  # ... but it does see the pixels before it
            assert np.any(changed[..., i + 1:] != logits[..., i + 1:])


def test_mlp_decoder_ignores_the_pixels():
    params, rng = perturbed(False)
    z = rng.standard_normal((2, 4, 3))
    _, a = vae.decode(params, z, np.zeros((2, 4, vae.PIXELS)))
    _, b = vae.decode(params, z, np.ones((2, 4, vae.PIXELS)))
    np.testing.assert_array_equal(a, b)


def test_forward_terms_match_the_formulas():
    """reconstruction = -sum log Bernoulli, KL = KL(N(mu, sigma^2) || N(0, 1)) by quadrature."""
    params, rng = perturbed(True)
    x = (rng.random((2, 3, vae.PIXELS)) > 0.5).astype(float)
    v = vae.forward(params, x, rng.standard_normal((2, 3, 3)))
    p = 1 / (1 + np.exp(-v["logits"]))
    np.testing.assert_allclose(v["reconstruction"],
                               -np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=-1))
    mu, sigma = v["mu"][0, 0, 0], v["sigma"][0, 0, 0]
    z = np.linspace(mu - 12 * sigma, mu + 12 * sigma, 200_001)
    q = np.exp(-(z - mu) ** 2 / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2)
    log_ratio = -(z - mu) ** 2 / (2 * sigma**2) - np.log(sigma) + z**2 / 2
    np.testing.assert_allclose(v["kl_units"][0, 0, 0], np.trapezoid(q * log_ratio, z), rtol=1e-7)


def test_digits_are_binary_and_split_1400_397():
    x_train, x_test, y_train, y_test = vae.digits()
    assert x_train.shape == (1400, 64) and x_test.shape == (397, 64)
    assert set(np.unique(np.concatenate([x_train, x_test]))) == {0.0, 1.0}
    assert sorted(np.unique(y_test)) == list(range(10))
    np.testing.assert_array_equal(vae.digits()[1], x_test)  # the same split every time


def test_kl_weights_come_from_dynweights():
    t = np.arange(300)
    for name in ("linear", "cosine", "power"):
        np.testing.assert_array_equal(vae.kl_weights(name, 300, 100), dw.weight(name, t, 100))
    np.testing.assert_array_equal(vae.kl_weights("cyclical", 300, 100),
                                  dw.weight("cyclical", t, 300, cycles=4, ratio=0.5))
    for name in ("constant", "free bits"):
        np.testing.assert_array_equal(vae.kl_weights(name, 300, 100), np.ones(300))


def test_runs_are_paired_by_seed_and_independent_of_the_stack():
    """A run's result depends on its seed and its KL weights only: not on its place in the
    stack or on the other runs (notebook 11 reuses runs of its experiment for the sliders)."""
    x_train, _, _, _ = vae.digits()
    x = x_train[:256]
    steps = 40
    ramp = dw.weight("linear", np.arange(steps), 20)
    ones = np.ones(steps)
    alone, kl_alone = vae.train(x, [ramp], [1], autoregressive=True)
    stacked, kl_stacked = vae.train(x, [ones, ramp, ramp, ones], [0, 1, 0, 1],
                                    autoregressive=True)
    for name in alone:
        np.testing.assert_array_equal(stacked[name][1], alone[name][0], err_msg=name)
    np.testing.assert_array_equal(kl_stacked[:, 1], kl_alone[:, 0])
    # same seed, same first weights; runs 0 and 2 then part by their KL weights alone
    first = vae.init([0, 1, 0, 1], autoregressive=True)
    for name in first:
        np.testing.assert_array_equal(first[name][0], first[name][2])
        if name.startswith(("W", "A")):
            assert not np.array_equal(first[name][0], first[name][1]), name
    assert not np.array_equal(stacked["W1"][0], stacked["W1"][2])


def test_evaluate_counts_active_units():
    x_train, x_test, _, _ = vae.digits()
    params = vae.init([0, 1])
    params["Wmu"][1, :, 5:] = 0                       # run 1: units 5.. have a constant mean
    found = vae.evaluate(params, x_test[:50])
    assert found["active units"].tolist() == [16, 5]
    np.testing.assert_allclose(found["-ELBO"], found["reconstruction"] + found["KL"])


def test_reconstruct_draws_pixel_by_pixel():
    """The most likely image, each pixel given the ones drawn before it: each pixel is 1
    exactly where its logit, given the finished image, is positive."""
    params, rng = perturbed(True)
    x = (rng.random((4, vae.PIXELS)) > 0.5).astype(float)
    image = vae.reconstruct(params, x)
    _, mu, _ = vae.encode(params, np.broadcast_to(x, (2, *x.shape)))
    _, logits = vae.decode(params, mu, image)
    np.testing.assert_array_equal(image, (logits > 0).astype(float))


# ------------------------------------------------------------------------ notebook 11's claims

@pytest.fixture(scope="module")
def ramp_lengths():
    """The strong decoder under linear ramps of 50, 250, 500 and 1,500 steps, seeds 0 and 1,
    as notebook 11's slider trains it."""
    x_train, x_test, _, _ = vae.digits()
    steps = np.arange(1500)
    lengths = (50, 250, 500, 1500)
    betas = [dw.weight("linear", steps, T) for T in lengths for _ in (0, 1)]
    params, _ = vae.train(x_train, betas, [0, 1] * len(lengths), autoregressive=True)
    found = vae.evaluate(params, x_test)
    return {T: {key: value[2 * i:2 * i + 2].mean() for key, value in found.items()}
            for i, T in enumerate(lengths)}


def test_11_slider_shorter_ramp_keeps_less_code(ramp_lengths):
    """'the shorter the ramp, the less code survives'"""
    kl = [ramp_lengths[T]["KL"] for T in sorted(ramp_lengths)]
    assert kl == sorted(kl) and kl[0] < 0.5 * kl[2], kl


def test_11_slider_ramp_as_long_as_training_costs_elbo(ramp_lengths):
    """'A ramp as long as training keeps the most code, but ... its -ELBO suffers'"""
    assert ramp_lengths[1500]["KL"] == max(r["KL"] for r in ramp_lengths.values())
    assert ramp_lengths[1500]["-ELBO"] > ramp_lengths[500]["-ELBO"] + 0.5
