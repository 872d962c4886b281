"""A small variational autoencoder (VAE) in numpy, whose KL weight follows a schedule.

The model of notebook 11: an MLP encoder to a Gaussian code z, an MLP decoder with a
Bernoulli likelihood for each pixel, the reparameterisation trick, gradients written out by
hand, and Adam. The decoder comes in two strengths: a plain MLP that sees only z, and an
autoregressive one (MADE, Germain et al. 2015) that also sees the pixels before each pixel.

Many VAEs train at once, stacked along a first "runs" axis: every weight has shape
``(runs, fan_in, fan_out)`` and every batch ``(runs, batch, pixels)``. Runs with the same seed
share their first weights, their mini-batches and their noise, so they differ only in the KL
weight they are given: the differences between them are paired.

Notebook 11 shows this source (``inspect.getsource``); ``tests/test_vae.py`` checks the
gradients against finite differences and that the notebook's tables come out of
``experiment``. ``python examples/vae.py`` prints both tables with more seeds.
"""

import functools

import numpy as np

import dynweights as dw

PIXELS = 64      # 8x8 images, read row by row
HIDDEN = 64      # hidden units of the encoder and of the decoder
LATENT = 16      # latent units z_1 .. z_16
BATCH = 32       # images per step
LR = 0.01        # Adam's learning rate
ACTIVE = 0.01    # a latent unit is active if its mean varies more than this over the data
SCHEDULES = ("constant", "linear", "cosine", "power", "cyclical", "free bits")


# ------------------------------------------------------------------------ data
def digits(seed=0, train=1400):
    """scikit-learn's 8x8 digits (shipped with the package), made black and white.

    Returns (x_train, x_test, y_train, y_test): 0/1 arrays of shape (n, 64) and the labels
    0..9, 1,400 images to train on and 397 to test. A pixel is ink (1) where its grey level
    (0..16) is 8 or more.
    """
    from sklearn.datasets import load_digits

    data = load_digits()
    x = (data.data >= 8).astype(float)
    order = np.random.default_rng(seed).permutation(len(x))
    first, rest = order[:train], order[train:]
    return x[first], x[rest], data.target[first], data.target[rest]


# ------------------------------------------------------------------------ the model
@functools.cache
def masks(hidden):
    """MADE's masks (0/1) for the autoregressive decoder: pixel i sees pixels 0..i-1 only.

    Hidden unit k may see pixels 0..m_k - 1, with m_k = 1, 2, ..., 63, 1, 2, ...;
    returns (pixels to hidden (64, hidden), hidden to pixels (hidden, 64), pixels to pixels).
    """
    pixel = np.arange(PIXELS)
    m = np.arange(hidden) % (PIXELS - 1) + 1
    into = pixel[:, None] < m[None, :]          # pixel j -> hidden unit k if j < m_k
    out = m[:, None] <= pixel[None, :]          # hidden unit k -> pixel i if m_k <= i
    direct = pixel[:, None] < pixel[None, :]    # so pixel j reaches pixel i only if j < i
    return tuple(mask.astype(np.float32) for mask in (into, out, direct))


def init(seeds, hidden=HIDDEN, latent=LATENT, autoregressive=False):
    """First weights, one network per entry of ``seeds`` (equal seeds, equal weights).

    The autoregressive decoder has two more weights: ``Wx`` from the pixels to its hidden
    layer and ``A`` straight from the pixels to the logits (both masked, see ``masks``).
    """
    shapes = {"W1": (PIXELS, hidden), "Wmu": (hidden, latent), "Wlv": (hidden, latent),
              "W3": (latent, hidden), "W4": (hidden, PIXELS)}
    if autoregressive:
        shapes.update(Wx=(PIXELS, hidden), A=(PIXELS, PIXELS))
    params = {}
    for name, (fan_in, fan_out) in shapes.items():
        params[name] = np.array([np.random.default_rng([seed, len(params)]).normal(
            0, 1 / np.sqrt(fan_in), (fan_in, fan_out)) for seed in seeds])
        if name in ("W1", "Wmu", "Wlv", "W3", "W4"):
            params["b" + name[1:]] = np.zeros((len(seeds), 1, fan_out))
    return params


def relu(a):
    return np.maximum(a, 0)


def softplus(a):
    """log(1 + e^a), without overflow."""
    return relu(a) + np.log(1 + np.exp(-np.abs(a)))


def encode(params, x):
    """q(z | x) = N(mu, diag(sigma^2)): a hidden layer, then mu and log sigma^2."""
    h = relu(x @ params["W1"] + params["b1"])
    return h, h @ params["Wmu"] + params["bmu"], h @ params["Wlv"] + params["blv"]


def decode(params, z, x):
    """p(x | z): the logit of each pixel's probability of ink, from a hidden layer g.

    The autoregressive decoder also sees the pixels ``x`` that come before each pixel.
    """
    pre = z @ params["W3"] + params["b3"]
    if "A" in params:
        into, out, direct = masks(params["W3"].shape[-1])
        g = relu(pre + x @ (params["Wx"] * into))
        return g, g @ (params["W4"] * out) + x @ (params["A"] * direct) + params["b4"]
    g = relu(pre)
    return g, g @ params["W4"] + params["b4"]


def forward(params, x, eps):
    """Encoder, reparameterised sample, decoder; each image's two loss terms, in nats:
    reconstruction -log p(x | z) and, per latent unit, KL(q(z | x) || N(0, 1))."""
    h, mu, logvar = encode(params, x)
    sigma = np.exp(logvar / 2)
    z = mu + sigma * eps                                   # the reparameterisation trick
    g, logits = decode(params, z, x)
    reconstruction = np.sum(softplus(logits) - x * logits, axis=-1)
    kl_units = (mu**2 + sigma**2 - 1 - logvar) / 2
    return dict(x=x, eps=eps, h=h, mu=mu, logvar=logvar, sigma=sigma, z=z, g=g,
                logits=logits, reconstruction=reconstruction, kl_units=kl_units)


def loss_and_gradients(params, x, eps, beta, free_bits=0.0):
    """Each run's loss, the batch mean of reconstruction + beta * KL, its gradients with
    respect to every weight (a dict like ``params``), and the batch's mean KL.

    ``beta`` is one KL weight per run. With ``free_bits`` > 0 (one per run, or one for all),
    a unit's KL averaged over the batch is charged at least ``free_bits`` nats, and below
    that it gets no gradient (Kingma et al. 2016).
    """
    v = forward(params, x, eps)
    n = x.shape[1]
    beta, free_bits = np.reshape(beta, (-1, 1, 1)), np.reshape(free_bits, (-1, 1, 1))
    kl_mean = v["kl_units"].mean(axis=1, keepdims=True)          # (runs, 1, latent)
    charged = np.maximum(kl_mean, free_bits).sum(axis=(1, 2))
    loss = v["reconstruction"].mean(axis=1) + beta[:, 0, 0] * charged
    # backward: the chain rule from the loss down to each weight, layer by layer
    T = lambda w: w.transpose(0, 2, 1)  # noqa: E731  (swap fan-in and fan-out)
    W4 = params["W4"]
    if "A" in params:
        into, out, direct = masks(W4.shape[1])
        W4 = W4 * out
    d_logits = (1 / (1 + np.exp(-v["logits"])) - x) / n          # (sigmoid(logit) - x) / n
    d_g = d_logits @ T(W4) * (v["g"] > 0)
    d_z = d_g @ T(params["W3"])
    d_kl = beta / n * (kl_mean > free_bits)                      # d loss / d kl_units
    d_mu = d_z + d_kl * v["mu"]
    d_logvar = d_z * eps * v["sigma"] / 2 + d_kl * (v["sigma"] ** 2 - 1) / 2
    d_h = (d_mu @ T(params["Wmu"]) + d_logvar @ T(params["Wlv"])) * (v["h"] > 0)
    grads = {}
    for name, inputs, delta in (("1", x, d_h), ("mu", v["h"], d_mu), ("lv", v["h"], d_logvar),
                                ("3", v["z"], d_g), ("4", v["g"], d_logits)):
        grads["W" + name] = T(inputs) @ delta
        grads["b" + name] = delta.sum(axis=1, keepdims=True)
    if "A" in params:
        grads["W4"] *= out
        grads["Wx"] = T(x) @ d_g * into
        grads["A"] = T(x) @ d_logits * direct
    return loss, grads, kl_mean.sum(axis=(1, 2))


def adam(params, grads, state, lr=LR, beta1=0.9, beta2=0.999, tiny=1e-8):
    """One step of Adam (Kingma & Ba 2015) on every weight, in place; ``state`` starts {}."""
    state["t"] = t = state.get("t", 0) + 1
    for name, grad in grads.items():
        m = state[name + "m"] = beta1 * state.get(name + "m", 0) + (1 - beta1) * grad
        v = state[name + "v"] = beta2 * state.get(name + "v", 0) + (1 - beta2) * grad**2
        params[name] -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + tiny)


# ------------------------------------------------------------------------ training
def train(x, betas, seeds, free_bits=0.0, batch=BATCH, lr=LR, dtype=np.float32, **sizes):
    """Train one VAE per row of ``betas`` (shape (runs, steps): each run's KL weight at each
    step) on the images ``x``. Run r takes its first weights, mini-batches and noise from
    seed ``seeds[r]``; ``sizes`` are passed to ``init``. Returns the trained weights and the
    mini-batches' mean KL at every step, shape (steps, runs).
    """
    betas = np.asarray(betas, dtype)
    runs, steps = betas.shape
    params = {name: p.astype(dtype) for name, p in init(seeds, **sizes).items()}
    free_bits = np.broadcast_to(np.asarray(free_bits, dtype), (runs,))
    latent = params["Wmu"].shape[-1]
    x = np.asarray(x, dtype)
    unique, which = np.unique(seeds, return_inverse=True)
    rngs = [np.random.default_rng([seed, 99]) for seed in unique]
    per_epoch = len(x) // batch
    state, kl = {}, np.zeros((steps, runs))
    for step in range(steps):
        if step % per_epoch == 0:                        # each seed shuffles the images anew
            orders = np.array([rng.permutation(len(x)) for rng in rngs])
        first = step % per_epoch * batch
        rows = orders[which, first:first + batch]        # (runs, batch) image numbers
        eps = np.array([rng.standard_normal((batch, latent), dtype) for rng in rngs])
        _, grads, kl[step] = loss_and_gradients(params, x[rows], eps[which], betas[:, step],
                                                free_bits)
        adam(params, grads, state, lr)
    return params, kl


def evaluate(params, x, samples=10, seed=0):
    """Each run's test metrics: negative ELBO, reconstruction and KL in nats per image
    (averaged over ``samples`` draws of the noise), and the number of active latent units,
    those whose mean varies over the images by more than ACTIVE (Burda et al. 2016)."""
    runs, latent = params["Wmu"].shape[0], params["Wmu"].shape[-1]
    xs = np.broadcast_to(np.asarray(x, params["W1"].dtype), (runs, *np.shape(x)))
    rng = np.random.default_rng(seed)
    rec = kl = 0.0
    for _ in range(samples):
        v = forward(params, xs, rng.standard_normal((len(x), latent)))
        rec = rec + v["reconstruction"].mean(axis=1) / samples
        kl = kl + v["kl_units"].sum(-1).mean(axis=1) / samples
    return {"-ELBO": rec + kl, "reconstruction": rec, "KL": kl,
            "active units": (v["mu"].var(axis=1) > ACTIVE).sum(-1)}


def reconstruct(params, x):
    """The most likely image given the code z = mu of each image, pixel by pixel in
    reading order (the autoregressive decoder needs the pixels it has already drawn)."""
    runs = params["Wmu"].shape[0]
    _, mu, _ = encode(params, np.broadcast_to(np.asarray(x, params["W1"].dtype),
                                              (runs, *np.shape(x))))
    image = np.zeros(mu.shape[:2] + (PIXELS,), mu.dtype)
    for i in range(PIXELS):
        _, logits = decode(params, mu, image)
        image[..., i] = logits[..., i] > 0
    return image


# ------------------------------------------------------------------------ the experiment
def kl_weights(name, steps, ramp):
    """The KL weight at steps 0..steps-1 for one of SCHEDULES, from dynweights: a ramp from
    0 to 1 over the first ``ramp`` steps, cyclical annealing over the whole run, or 1 from
    the start (constant, and free bits, which changes the loss instead of the weight)."""
    t = np.arange(steps)
    if name in ("constant", "free bits"):
        return np.ones(steps)
    if name == "cyclical":
        return dw.weight("cyclical", t, steps, cycles=4, ratio=0.5)
    return dw.weight(name, t, ramp)


def experiment(x_train, x_test, seeds, steps, ramp, free_bits=0.25, schedules=SCHEDULES,
               **sizes):
    """Train every schedule with every seed, all at once; returns the test metrics of
    ``evaluate`` as arrays of shape (schedules, seeds), the trained weights and the KL
    during training."""
    betas = [kl_weights(name, steps, ramp) for name in schedules for _ in seeds]
    free = [free_bits if name == "free bits" else 0.0 for name in schedules for _ in seeds]
    params, kl = train(x_train, betas, list(seeds) * len(schedules), free, **sizes)
    metrics = {key: value.reshape(len(schedules), len(seeds))
               for key, value in evaluate(params, x_test).items()}
    return metrics, params, kl


def table(metrics, schedules=SCHEDULES):
    """A Markdown table: each metric's mean over the seeds, and each schedule's difference
    from the constant weight paired by seed (mean +- standard error of the mean)."""
    rows = []
    for i, name in enumerate(schedules):
        cells = [name]
        for key in ("-ELBO", "reconstruction", "KL", "active units"):
            mean, d = metrics[key][i].mean(), metrics[key][i] - metrics[key][0]
            se = d.std(ddof=1) / np.sqrt(len(d))
            cells.append(f"{mean:.2f}" if i == 0 else f"{mean:.2f} ({d.mean():+.2f} ± {se:.2f})")
        rows.append(cells)
    return dw.markdown_table(["KL weight", "test -ELBO", "reconstruction", "KL",
                              "active units (of 16)"], rows)


if __name__ == "__main__":
    x_train, x_test, _, _ = digits()
    for autoregressive in (False, True):
        metrics, _, _ = experiment(x_train, x_test, seeds=range(8), steps=1500, ramp=500,
                                   autoregressive=autoregressive)
        print("autoregressive decoder" if autoregressive else "MLP decoder", "(8 seeds)")
        print(table(metrics).data)
