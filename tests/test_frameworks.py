"""Notebook 10's code, run against the real PyTorch, Lightning, timm, optax, Hugging Face, Keras.

Every function of examples/frameworks.py (the code 10 shows) is compared with dynweights at
steps 0..T and past T (the libraries compute in float32, hence 1e-6), including what each one
does past T: hold, rise again, keep decaying or raise. The train_* functions run a few real
steps on a tiny model on the CPU and return the weight the loss used at each step. The
trap each framework sets is a test of its own.

`make test-frameworks` installs the pinned `frameworks` extra and runs this file; `make test`
does not collect it (pyproject.toml: --ignore), so the tutorial's tests never import a
framework. A missing library skips its tests with a message, except when the environment
variable CI is set: then it is a failure, so that CI cannot pass by skipping.
"""

from __future__ import annotations

import importlib.util
import inspect
import math
import os
import re
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import nbformat
import numpy as np
import pytest

import dynweights as dw

os.environ["KERAS_BACKEND"] = "jax"  # before keras is first imported; 10 says JAX
ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "10_frameworks.ipynb"
sys.path.insert(0, str(ROOT / "examples"))
import frameworks as fw  # noqa: E402  (after the path and the backend are set)

T, W, A, RATE = 20, 2.0, 3.0, 4.0
K, N = 5, 20  # warm-up steps, total steps of a warm-up schedule
STEPS = np.arange(3 * T + 1)  # 0..T and two more T past the end
TOL = dict(rtol=1e-6, atol=1e-6)  # the libraries compute in float32
LIBRARIES = {
    "torch": ["torch"],
    "lightning": ["torch", "pytorch_lightning"],
    "timm": ["torch", "torchvision", "timm"],
    "optax": ["jax", "optax"],
    "hf": ["torch", "transformers", "accelerate"],
    "keras": ["keras", "jax"],
}
# Third-party warnings that are not ours (Keras 3.15 reads JAX arrays with np.array(x), which
# numpy 2.4 warns about; Lightning 2.6 warns about its own pytree helper and DataLoader workers).
pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
    ),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:pytorch_lightning"),
    pytest.mark.filterwarnings("ignore:.*does not have many workers:UserWarning"),
    pytest.mark.filterwarnings("ignore:.*isinstance\\(treespec, LeafSpec\\).*"),
]


def require(framework):
    """Skip (or, with CI set, fail) when a library of ``framework`` is not installed."""
    missing = [name for name in LIBRARIES[framework] if importlib.util.find_spec(name) is None]
    if missing:
        message = (
            f"{', '.join(missing)} not installed: `make test-frameworks` installs the "
            f"pinned `frameworks` extra"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI is set: a skipped framework test is a failure)")
        pytest.skip(message)


def _fixture(framework, module):
    @pytest.fixture
    def fixture():
        require(framework)
        return __import__(module)

    return fixture


torch_ = _fixture("torch", "torch")
lightning = _fixture("lightning", "pytorch_lightning")
timm_ = _fixture("timm", "timm")
optax_ = _fixture("optax", "optax")
hf = _fixture("hf", "transformers")


@pytest.fixture
def keras_():
    require("keras")
    import keras

    assert keras.backend.backend() == "jax"
    return keras


# ------------------------------------------------------------ reading the libraries
def torch_values(make_scheduler, n=3 * T + 1, lr=W):
    """The learning rate a PyTorch scheduler gives at steps 0..n-1, for an optimizer at ``lr``."""
    import torch

    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    scheduler = make_scheduler(optimizer)
    values = [scheduler.get_last_lr()[0]]
    for _ in range(n - 1):
        optimizer.step()
        scheduler.step()
        values.append(scheduler.get_last_lr()[0])
    return np.array(values)


def timm_values(make_scheduler, n=3 * T + 1):
    """The rate a timm scheduler sets when stepped per update, step_update(num_updates=t)."""
    import torch

    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=W)
    scheduler = make_scheduler(optimizer)
    values = [optimizer.param_groups[0]["lr"]]
    for t in range(1, n):
        scheduler.step_update(num_updates=t)
        values.append(optimizer.param_groups[0]["lr"])
    return np.array(values)


def optax_values(schedule):
    import jax.numpy as jnp

    return np.asarray(schedule(jnp.asarray(STEPS)), dtype=np.float64)


def keras_values(keras, schedule):
    return np.array([float(keras.ops.convert_to_numpy(schedule(int(step)))) for step in STEPS])


def folded(steps):
    """The step in 0..T where an unclamped cosine (even, 2T-periodic) has the same value."""
    return T - np.abs(T - steps % (2 * T))


def reversal(method, **params):
    return dw.weight(method, STEPS, T, W, decay="reversal", **params)


def warmup_then(decay_method):
    """A linear warm-up over K steps, then `decay_method` reversed over N - K steps, times W."""
    return np.where(
        STEPS < K,
        dw.linear(STEPS, K, W),
        dw.weight(decay_method, np.maximum(STEPS - K, 0), N - K, W, decay="reversal"),
    )


# ------------------------------------------------------------------- the tables
HOLDS = {  # function: (framework, arguments, what it equals at every step 0..3T; it holds past T)
    "linear_torch": ("torch", (T,), lambda: reversal("linear")),
    "power_torch": ("torch", (T, A), lambda: reversal("power", a=A)),
    "warmup_torch": ("torch", (T,), lambda: dw.linear(STEPS, T, W)),
    "linear_optax": ("optax", (T, W), lambda: dw.linear(STEPS, T, W)),
    "cosine_optax": ("optax", (T, W), lambda: dw.cosine(STEPS, T, W)),
    "power_optax": ("optax", (T, W, A), lambda: reversal("power", a=A)),
    "mirror_optax": ("optax", (T, W, A), lambda: W - reversal("power", a=A)),
    "geometric_optax": (
        "optax",
        (T, W, RATE),
        lambda: dw.weight("exponential", STEPS, T, W, decay="complement", rate=RATE),
    ),
    "warmup_cosine_optax": ("optax", (K, N, W), lambda: warmup_then("cosine")),
    "linear_hf": ("hf", (T,), lambda: reversal("linear")),
    "power_hf": ("hf", (T, A), lambda: reversal("power", a=A)),
    "warmup_hf": ("hf", (T,), lambda: dw.linear(STEPS, T, W)),
    "linear_keras": ("keras", (T, W), lambda: dw.linear(STEPS, T, W)),
    "cosine_keras": ("keras", (T, W), lambda: dw.cosine(STEPS, T, W)),
    "power_keras": ("keras", (T, W, A), lambda: reversal("power", a=A)),
    "mirror_keras": ("keras", (T, W, A), lambda: W - reversal("power", a=A)),
    "warmup_cosine_keras": ("keras", (K, N, W), lambda: warmup_then("cosine")),
}
ANY = [
    ("sigmoid", None, {}),
    ("logistic", None, {}),
    ("cyclical", None, {"cycles": 4, "ratio": 0.5}),
    ("exponential", None, {"rate": RATE}),
    ("normalized_exponential", None, {"rate": RATE}),
    ("power", "complement", {"a": A}),
    ("exponential", "reversal", {"rate": RATE}),
]
FIXTURES = {"torch": "torch_", "optax": "optax_", "hf": "hf", "keras": "keras_"}


def library_values(request, framework, name, *args, **params):
    """Build the schedule with examples/frameworks.py and read it at STEPS."""
    lib = request.getfixturevalue(FIXTURES[framework])
    function = getattr(fw, name)
    if framework in ("torch", "hf"):
        return torch_values(lambda optimizer: function(optimizer, *args, **params))
    schedule = function(*args, **params)
    return optax_values(schedule) if framework == "optax" else keras_values(lib, schedule)


@pytest.mark.parametrize("name", list(HOLDS))
def test_equals_dynweights_and_holds_past_T(name, request):
    framework, args, expected = HOLDS[name]
    got = library_values(request, framework, name, *args)
    np.testing.assert_allclose(got, expected(), **TOL)
    end = max(args[:2]) if name.startswith("warmup_cosine") else args[0]
    assert np.all(got[end:] == got[end]), f"{name} does not hold its value past its end"


@pytest.mark.parametrize("framework, name", [("torch", "cosine_torch"), ("hf", "cosine_hf")])
def test_cosine_decays_are_not_clamped(framework, name, request):
    """PyTorch CosineAnnealingLR and Hugging Face's cosine equal the reversed cosine ramp up
    to T, then rise again: 9.5 % of the peak 20 % past T, back to the full rate at 2T."""
    got = library_values(request, framework, name, T)
    held = reversal("cosine")
    np.testing.assert_allclose(got[: T + 1], held[: T + 1], **TOL)
    np.testing.assert_allclose(
        got, dw.weight("cosine", folded(STEPS), T, W, decay="reversal"), **TOL
    )
    assert np.all(held[T:] == 0) and np.all(got[T + 1 : 2 * T] > 0)
    assert got[int(1.2 * T)] == pytest.approx(0.0954915 * W, rel=1e-6)
    assert got[2 * T] == pytest.approx(W)


@pytest.mark.parametrize(
    "framework, name", [("torch", "geometric_torch"), ("keras", "geometric_keras")]
)
def test_exponential_decays_keep_decaying(framework, name, request):
    got = library_values(
        request, framework, name, *((T, RATE) if framework == "torch" else (T, W, RATE))
    )
    held = dw.weight("exponential", STEPS, T, W, decay="complement", rate=RATE)
    np.testing.assert_allclose(got[: T + 1], held[: T + 1], **TOL)
    np.testing.assert_allclose(got, W * np.exp(-RATE * STEPS / T), rtol=1e-5)  # alpha^t for every t
    assert np.all(np.diff(got[T:]) < 0) and np.all(got[T + 1 :] < held[T + 1 :])


@pytest.mark.parametrize("method, decay, params", ANY, ids=[f"{m}-{d}" for m, d, _ in ANY])
@pytest.mark.parametrize("framework", ["torch", "optax", "keras"])
def test_any_ramp_or_decay(framework, method, decay, params, request):
    if decay:
        params = {**params, "decay": decay}
    lib = request.getfixturevalue(FIXTURES[framework])
    expected = dw.weight(method, STEPS, T, W, **params)
    if framework == "torch":
        got = torch_values(lambda optimizer: fw.any_torch(optimizer, method, T, **params))
    elif framework == "optax":
        got = optax_values(fw.any_optax(method, T, W, **params))
    else:
        got = keras_values(lib, fw.any_keras(method, T, W, **params))
    np.testing.assert_allclose(got, expected, **TOL)


# ------------------------------------------------------------------------- PyTorch
def test_train_torch(torch_):
    np.testing.assert_allclose(fw.train_torch(TRAIN_STEPS, **TRAIN), EXPECTED, **TOL)


def test_torch_linear_lr_cannot_start_at_zero(torch_):
    """LinearLR(start_factor=0) raises, so a warm-up from 0 needs LambdaLR (warmup_torch);
    LinearLR(start_factor=1, end_factor=0) is the usual linear decay (linear_torch)."""
    with pytest.raises(ValueError, match="greater than 0"):
        torch_.optim.lr_scheduler.LinearLR(
            torch_.optim.SGD([torch_.zeros(1, requires_grad=True)]), start_factor=0.0, total_iters=T
        )
    got = torch_values(
        lambda opt: torch_.optim.lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=T)
    )
    np.testing.assert_allclose(
        got[: T + 1], W * (0.25 + 0.75 * dw.linear(STEPS[: T + 1], T)), **TOL
    )
    assert np.all(got[T:] == got[T]) and got[T] == pytest.approx(W)


def test_torch_sequential_lr_is_hugging_face_linear_warmup(torch_, hf):
    """SequentialLR([LinearLR(eps -> 1, k), LinearLR(1 -> 0, N - k)]) against Hugging Face's
    get_linear_schedule_with_warmup(k, N), at every step 0..3T: equal to within eps * w."""
    eps = 1e-8
    ours = torch_values(lambda opt: fw.warmup_linear_torch(opt, K, N, start_factor=eps))
    theirs = torch_values(lambda opt: hf.get_linear_schedule_with_warmup(opt, K, N))
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=eps * W)
    np.testing.assert_allclose(theirs, warmup_then("linear"), rtol=0, atol=1e-12)
    assert ours[0] == pytest.approx(eps * W) and theirs[0] == 0


def test_torch_chained_scheduler_multiplies(torch_):
    got = torch_values(lambda opt: fw.warmup_geometric_torch(opt, K, T, RATE))
    up_to_T = dw.linear(STEPS, K) * dw.weight(
        "exponential", STEPS, T, W, decay="complement", rate=RATE
    )
    np.testing.assert_allclose(got[: T + 1], up_to_T[: T + 1], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(
        got, W * dw.linear(STEPS, K) * np.exp(-RATE * STEPS / T), rtol=1e-6, atol=1e-7
    )


def test_torch_chained_scheduler_with_a_lambdalr_loses_the_others(torch_):
    """A LambdaLR sets the rate from its base every step: chained after ExponentialLR it
    undoes the decay, so the rate stays at W."""
    lr_scheduler = torch_.optim.lr_scheduler
    got = torch_values(
        lambda opt: lr_scheduler.ChainedScheduler(
            [lr_scheduler.ExponentialLR(opt, gamma=0.5), lr_scheduler.LambdaLR(opt, lambda t: 1.0)]
        ),
        n=5,
    )
    assert np.all(got == W)


def test_torch_warm_restarts_repeat_the_cosine_decay(torch_):
    cycle = 5
    got = torch_values(lambda opt: fw.restarts_torch(opt, cycle))
    np.testing.assert_allclose(
        got, dw.weight("cosine", STEPS % cycle, cycle, W, decay="reversal"), **TOL
    )


def test_torch_one_cycle_ends_at_T_minus_1_and_raises_past_T(torch_):
    """OneCycleLR(total_steps=T) reaches its minimum at step T - 1, rises again at step T,
    and raises at step T + 1."""
    optimizer = torch_.optim.SGD([torch_.zeros(1, requires_grad=True)], lr=W)
    scheduler = fw.one_cycle_torch(optimizer, T)
    values = [scheduler.get_last_lr()[0]]
    for _ in range(T):
        optimizer.step()
        scheduler.step()
        values.append(scheduler.get_last_lr()[0])
    assert (
        np.argmin(values) == T - 1 and values[T] > values[T - 1] and max(values) == pytest.approx(W)
    )
    optimizer.step()
    with pytest.raises(ValueError, match="Tried to step"):
        scheduler.step()


# ----------------------------------------------------------------------- Lightning
def test_train_lightning(lightning):
    """self.global_step in training_step, and a scheduler with "interval": "step": the loss
    weight and the rate follow the curve at every step (4 batches an epoch, 8 steps)."""
    used, rates = fw.train_lightning(TRAIN_STEPS, **TRAIN)
    np.testing.assert_allclose(used, EXPECTED, **TOL)
    np.testing.assert_allclose(rates, 0.1 * dw.weight("cosine", np.arange(TRAIN_STEPS), 5), **TOL)


def test_lightning_scheduler_interval_defaults_to_epoch(lightning):
    """Without "interval", Lightning steps the scheduler once per epoch: the rate of the
    whole first epoch is the curve at 0, the second epoch's the curve at 1."""
    used, rates = fw.train_lightning(TRAIN_STEPS, **TRAIN, lr_interval=None, batches_per_epoch=4)
    np.testing.assert_allclose(used, EXPECTED, **TOL)  # the loss weight reads global_step
    epoch = np.arange(TRAIN_STEPS) // 4
    np.testing.assert_allclose(rates, 0.1 * dw.weight("cosine", epoch, 5), **TOL)


# ---------------------------------------------------------------------------- timm
def test_timm_cosine_per_update_equals_dynweights_and_holds(timm_):
    got = timm_values(lambda opt: fw.cosine_timm(opt, T, warmup_steps=K))
    expected = np.where(
        STEPS < K,
        dw.linear(STEPS, K, W),
        dw.weight("cosine", np.maximum(STEPS - K, 0), T, W, decay="reversal"),
    )
    np.testing.assert_allclose(got, expected, **TOL)
    assert np.all(got[K + T :] == 0)


def test_timm_warmup_without_prefix_never_reaches_w(timm_):
    """timm's default warmup_prefix=False: the cosine counts from step 0, so after the
    warm-up the rate starts at the cosine's value at step K, below W."""
    got = timm_values(lambda opt: fw.cosine_timm(opt, T, warmup_steps=K, warmup_prefix=False))
    assert got.max() < W
    assert got[K] == pytest.approx(dw.weight("cosine", K, T, W, decay="reversal"))


def test_timm_t_in_epochs_default_ignores_step_update(timm_):
    """With timm's default t_in_epochs=True, step_update(num_updates) leaves the rate alone;
    only step(epoch) moves it, once per epoch."""
    import torch
    from timm.scheduler import CosineLRScheduler

    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=W)
    scheduler = CosineLRScheduler(optimizer, t_initial=T, lr_min=0.0)
    for t in range(1, 10):
        scheduler.step_update(num_updates=t)
        assert optimizer.param_groups[0]["lr"] == W
    scheduler.step(epoch=5)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(
        dw.weight("cosine", 5, T, W, decay="reversal")
    )


def test_timm_poly_decay_has_power_one_half_and_holds_0(timm_):
    """PolyLRScheduler's default power is 0.5: (1 - p)^0.5, steep at the end; holds 0 past T."""
    from timm.scheduler import PolyLRScheduler

    got = timm_values(lambda opt: PolyLRScheduler(opt, t_initial=T, lr_min=0.0, t_in_epochs=False))
    np.testing.assert_allclose(got, reversal("power", a=0.5), **TOL)
    assert np.all(got[T:] == 0)


def test_train_timm(timm_):
    used, rates = fw.train_timm(TRAIN_STEPS, **TRAIN)
    np.testing.assert_allclose(used, EXPECTED, **TOL)
    np.testing.assert_allclose(
        rates, 0.1 * dw.weight("cosine", np.arange(TRAIN_STEPS), 5, decay="reversal"), **TOL
    )


# --------------------------------------------------------------------------- optax
def test_train_optax(optax_):
    np.testing.assert_allclose(fw.train_optax(TRAIN_STEPS, **TRAIN), EXPECTED, **TOL)


def test_dw_weight_rejects_a_jax_tracer(optax_):
    import jax

    with pytest.raises(TypeError):
        jax.jit(lambda step: dw.weight("cosine", step, T, W))(3)


def test_optax_join_schedules_is_warmup_cosine_decay_schedule(optax_):
    """warmup_cosine_decay_schedule's decay_steps is the whole length, warm-up included."""
    got = optax_values(optax_.warmup_cosine_decay_schedule(0.0, W, K, N))
    np.testing.assert_allclose(got, optax_values(fw.warmup_cosine_optax(K, N, W)), **TOL)


def test_optax_inject_hyperparams_reads_the_rate_used(optax_):
    steps = T + 5
    np.testing.assert_allclose(
        fw.rates_optax(fw.linear_optax(T, W), steps), dw.linear(np.arange(steps), T, W), **TOL
    )


def test_optax_exponential_decay_without_end_value_keeps_decaying(optax_):
    got = optax_values(optax_.exponential_decay(W, T, math.exp(-RATE)))
    assert np.all(np.diff(got[T:]) < 0)


def test_subtracting_a_schedule_from_a_number_does_not_run(optax_, keras_):
    """`w - cosine_decay_schedule(w, T)` and `w - CosineDecay(w, T)`: subtract the value."""
    with pytest.raises(TypeError):
        W - optax_.cosine_decay_schedule(W, T)
    with pytest.raises(TypeError):
        W - keras_.optimizers.schedules.CosineDecay(W, T)


def test_power_defaults(torch_, timm_, optax_, hf, keras_):
    """power defaults to 1 in PyTorch, Hugging Face and Keras, to 0.5 in timm; optax has none."""
    from timm.scheduler import PolyLRScheduler

    default = {
        "PolynomialLR": inspect.signature(torch_.optim.lr_scheduler.PolynomialLR)
        .parameters["power"]
        .default,
        "HF": inspect.signature(hf.get_polynomial_decay_schedule_with_warmup)
        .parameters["power"]
        .default,
        "PolynomialDecay": inspect.signature(keras_.optimizers.schedules.PolynomialDecay)
        .parameters["power"]
        .default,
        "timm": inspect.signature(PolyLRScheduler).parameters["power"].default,
    }
    assert default == {"PolynomialLR": 1.0, "HF": 1.0, "PolynomialDecay": 1.0, "timm": 0.5}
    assert (
        inspect.signature(optax_.polynomial_schedule).parameters["power"].default
        is inspect.Parameter.empty
    )


# -------------------------------------------------------------------- Hugging Face
def test_train_hf(hf, tmp_path):
    """Evaluation every 2 steps calls compute_loss too: the guard keeps it out of `used`."""
    used = fw.train_hf(TRAIN_STEPS, output_dir=str(tmp_path), eval_steps=2, **TRAIN)
    np.testing.assert_allclose(used, EXPECTED, **TOL)


def test_hf_compute_loss_runs_in_evaluation(hf, tmp_path):
    import torch

    class Counting(hf.Trainer):
        def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
            self.calls.append(model.training)
            return super().compute_loss(model, inputs, return_outputs, **kwargs)

    torch.manual_seed(0)
    data = [{"input_ids": torch.arange(1, 9), "labels": torch.tensor(i % 2)} for i in range(8)]
    args = hf.TrainingArguments(
        output_dir=str(tmp_path),
        per_device_eval_batch_size=4,
        use_cpu=True,
        report_to="none",
        disable_tqdm=True,
    )
    trainer = Counting(model=fw._tiny_bert(), args=args, eval_dataset=data)
    trainer.calls = []
    trainer.evaluate()
    assert trainer.calls == [False, False]


def test_hf_schedulers_are_lambdalrs_and_trainer_steps_a_dynweights_one(hf, tmp_path):
    """Hugging Face's schedulers are LambdaLRs, so `fw.any_torch` passed as
    Trainer(optimizers=(optimizer, scheduler)) sets every step's rate."""
    import torch

    class Tiny(torch.nn.Module):  # a model Trainer accepts: forward returns the loss
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(2, 1)

        def forward(self, x, y):
            return {"loss": ((self.linear(x).squeeze(-1) - y) ** 2).mean()}

    class Rates(hf.TrainerCallback):  # the rate each optimizer step is about to use
        def __init__(self):
            self.rates = []

        def on_step_begin(self, args, state, control, optimizer=None, **kwargs):
            self.rates.append(optimizer.param_groups[0]["lr"])

    torch.manual_seed(0)
    model, base = Tiny(), 0.5
    optimizer = torch.optim.SGD(model.parameters(), lr=base)
    for name in ("linear", "cosine", "constant_with_warmup", "warmup_stable_decay"):
        assert isinstance(
            fw.by_name_hf(
                name,
                optimizer,
                2,
                5,
                **({"num_decay_steps": 2} if name == "warmup_stable_decay" else {}),
            ),
            torch.optim.lr_scheduler.LambdaLR,
        )
        for group in optimizer.param_groups:  # building one changed the rate: put it back
            group["lr"] = group["initial_lr"] = base
    scheduler = fw.any_torch(optimizer, "sigmoid", 5)
    data = [{"x": torch.randn(2), "y": torch.randn(())} for _ in range(32)]
    args = hf.TrainingArguments(
        output_dir=str(tmp_path),
        max_steps=TRAIN_STEPS,
        per_device_train_batch_size=4,
        use_cpu=True,
        report_to="none",
        save_strategy="no",
        logging_strategy="no",
        disable_tqdm=True,
        seed=0,
    )
    rates = Rates()
    hf.Trainer(
        model=model,
        args=args,
        train_dataset=data,
        optimizers=(optimizer, scheduler),
        callbacks=[rates],
    ).train()
    np.testing.assert_allclose(
        rates.rates, base * dw.weight("sigmoid", np.arange(TRAIN_STEPS), 5), rtol=1e-12
    )


def test_hf_get_scheduler_by_name_is_the_named_schedule(hf):
    """get_scheduler(name) and lr_scheduler_type take the same names; "linear" with no warm-up
    is linear_hf, "warmup_stable_decay" is get_wsd_schedule."""
    assert {"linear", "cosine", "warmup_stable_decay", "reduce_lr_on_plateau"} <= {
        t.value for t in hf.SchedulerType
    }
    np.testing.assert_allclose(
        torch_values(lambda opt: fw.by_name_hf("linear", opt, 0, T)), reversal("linear"), **TOL
    )
    np.testing.assert_allclose(
        torch_values(
            lambda opt: fw.by_name_hf(
                "warmup_stable_decay", opt, K, 2 * T, num_decay_steps=T, warmup_type="cosine"
            )
        ),
        torch_values(lambda opt: fw.wsd_hf(opt, K, T - K, T)),
        **TOL,
    )


def test_hf_wsd_equals_dynweights_pieces(hf):
    stable, decay = 4, 10
    got = torch_values(lambda opt: fw.wsd_hf(opt, K, stable, decay))
    expected = (
        W
        * dw.cosine(STEPS, K)
        * dw.weight("cosine", np.maximum(STEPS - K - stable, 0), decay, decay="reversal")
    )
    np.testing.assert_allclose(got, expected, **TOL)
    assert np.all(got[K + stable + decay :] == 0)


def test_hf_reduce_on_plateau_is_not_a_lambdalr(hf):
    import torch

    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=W)
    scheduler = fw.plateau_hf(optimizer)
    assert isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau)
    assert not isinstance(scheduler, torch.optim.lr_scheduler.LambdaLR)
    rates = []
    for eval_loss in (1.0, 0.5, 0.5, 0.5, 0.5):  # improves once, then stalls
        scheduler.step(eval_loss)
        rates.append(optimizer.param_groups[0]["lr"])
    assert rates == [W, W, W, W / 2, W / 2]


def test_default_end_values_are_not_zero(hf, keras_):
    got = torch_values(lambda opt: hf.get_polynomial_decay_schedule_with_warmup(opt, 0, T))
    assert got[T] == pytest.approx(1e-7) and np.all(got[T:] == got[T])
    got = keras_values(keras_, keras_.optimizers.schedules.PolynomialDecay(W, T))
    assert got[T] == pytest.approx(1e-4, rel=1e-6)


def test_09_exercise_2_is_hugging_face_linear_warmup(hf):
    """09 Exercise 2: warm-up held past k, times a linear decay from step k, is HF's multiplier."""
    k, n = 10, 100
    s = np.arange(121)
    multiplier = dw.linear(s, k) * dw.weight(
        "linear", np.maximum(s - k, 0), n - k, decay="reversal"
    )
    got = torch_values(lambda opt: hf.get_linear_schedule_with_warmup(opt, k, n), n=len(s)) / W
    np.testing.assert_allclose(got, multiplier, **TOL)


# --------------------------------------------------------------------------- Keras
def keras_rates_used(keras, steps, optimizer, callbacks=(), steps_per_execution=1):
    """The learning rate each compiled train step used, read off the updates: one weight,
    loss = its value, gradient 1, so SGD moves it by -rate every step."""
    model = keras.Sequential(
        [keras.Input((1,)), keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")]
    )
    model.compile(
        optimizer=optimizer,
        loss=lambda y_true, y_pred: keras.ops.mean(y_pred),
        steps_per_execution=steps_per_execution,
    )
    kernels = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            kernels.append(float(keras.ops.convert_to_numpy(self.model.layers[0].kernel)[0, 0]))

    model.fit(
        np.ones((steps, 1), np.float32),
        np.zeros((steps, 1), np.float32),
        batch_size=1,
        epochs=1,
        verbose=0,
        callbacks=[*callbacks, Record()],
    )
    return -np.diff([0.0, *kernels])


def test_train_keras(keras_):
    np.testing.assert_allclose(fw.train_keras(TRAIN_STEPS, **TRAIN), EXPECTED, **TOL)


def test_keras_variable_the_model_does_not_own_is_frozen_under_jit(keras_):
    """The compiled train step saw the trace-time value, 0, at every step."""
    used = fw.train_keras_global_variable(TRAIN_STEPS, **TRAIN)
    assert used == [0.0] * TRAIN_STEPS and EXPECTED.max() > 0


def test_keras_callback_runs_once_per_steps_per_execution_batches(keras_):
    """steps_per_execution=4: on_train_batch_begin (and _end) run once per 4 batches, so the
    callback's weight holds for 4 steps and its counter runs 4 times slower."""
    used = fw.train_keras(TRAIN_STEPS, **TRAIN, steps_per_execution=4)
    np.testing.assert_allclose(used, EXPECTED[:2], **TOL)  # 2 calls for 8 batches


@pytest.mark.parametrize("steps_per_execution", [1, 4])
def test_keras_weight_in_the_step_follows_every_step(keras_, steps_per_execution):
    used = fw.train_keras_in_step(TRAIN_STEPS, **TRAIN, steps_per_execution=steps_per_execution)
    np.testing.assert_allclose(used, EXPECTED, **TOL)


def test_keras_reading_callback_model_syncs_the_state_every_batch(keras_):
    """Callback.model copies the compiled step's state back into every model variable
    (jax_state_sync) when read: a callback that reads it each batch pays that each batch."""
    syncs, reads = [], []

    class Reads(keras_.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            reads.append(self.model is not None)

    model = keras_.Sequential([keras_.Input((3,)), keras_.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    original = model.jax_state_sync

    def counting():
        syncs.append(model._jax_state_synced)  # False: this call copies the state
        original()

    model.jax_state_sync = counting
    x, y = fw._toy_regression(n=8 * TRAIN_STEPS)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[Reads()])
    assert len(reads) == TRAIN_STEPS and syncs.count(False) >= TRAIN_STEPS - 1


@pytest.mark.parametrize("way", ["schedule", "callable", "callback"])
def test_keras_learning_rate_every_step_three_ways(keras_, way):
    """A LearningRateSchedule, a no-argument callable and a per-batch callback all set the
    rate the compiled step uses, at every step."""
    steps, total = 8, 5
    expected = dw.weight("cosine", np.arange(steps), total, 0.5)
    if way == "schedule":
        got = keras_rates_used(
            keras_, steps, keras_.optimizers.SGD(fw.any_keras("cosine", total, 0.5))
        )
    elif way == "callable":
        got = keras_rates_used(keras_, steps, fw.any_keras_callable("cosine", total, 0.5))
    else:
        got = keras_rates_used(
            keras_,
            steps,
            keras_.optimizers.SGD(),
            callbacks=[fw.any_keras_callback("cosine", total, 0.5)],
        )
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_keras_learning_rate_scheduler_is_per_epoch(keras_):
    """LearningRateScheduler(lambda epoch, lr: dw.linear(epoch, k, w)) sets the rate once per
    epoch: 0 for the whole first epoch of 4 steps, where the per-step schedule moves."""
    per_epoch = keras_.callbacks.LearningRateScheduler(lambda epoch, lr: dw.linear(epoch, 3, 0.1))
    got = keras_rates_used(keras_, 4, keras_.optimizers.SGD(), callbacks=[per_epoch])
    assert np.all(got == 0)
    got = keras_rates_used(keras_, 4, keras_.optimizers.SGD(fw.linear_keras(3, 0.1)))
    np.testing.assert_allclose(got, dw.linear(np.arange(4), 3, 0.1), rtol=1e-5, atol=1e-7)


def test_keras_restarts_repeat_the_cosine_decay_and_default_doubles(keras_):
    cycle = 5
    got = keras_values(keras_, fw.restarts_keras(cycle, W))
    np.testing.assert_allclose(
        got, dw.weight("cosine", STEPS % cycle, cycle, W, decay="reversal"), rtol=1e-6, atol=2e-6
    )
    default = keras_values(keras_, keras_.optimizers.schedules.CosineDecayRestarts(W, cycle))
    assert default[cycle] == pytest.approx(W) and default[cycle + 5] > 0  # second cycle: 10 steps
    assert default[cycle + 10] == pytest.approx(W)


def test_10_exercise_1_optax_and_keras_count_decay_steps_differently(optax_, keras_):
    """10 Exercise 1: optax.warmup_cosine_decay_schedule(0, w, 10, 100) reaches 0 at step 100
    (its decay_steps counts the warm-up); the port CosineDecay(0, 100, warmup_target=w,
    warmup_steps=10) at step 110 (Keras counts after the warm-up); decay_steps=90 fixes it.
    Each is the exercise's dynweights curve, a warm-up times a cosine decay from step 10."""
    import jax.numpy as jnp

    k, steps = 10, np.arange(121)

    def warmup_cosine(decay_steps):  # the exercise's solution
        decay = dw.weight("cosine", np.maximum(steps - k, 0), decay_steps, decay="reversal")
        return dw.linear(steps, k, W) * decay

    def keras_at(decay_steps):
        schedule = keras_.optimizers.schedules.CosineDecay(
            0.0, decay_steps, warmup_target=W, warmup_steps=k
        )
        return np.array([float(keras_.ops.convert_to_numpy(schedule(int(s)))) for s in steps])

    optax_curve = np.asarray(
        optax_.warmup_cosine_decay_schedule(0.0, W, k, 100)(jnp.asarray(steps)), dtype=np.float64
    )
    port, fixed = keras_at(100), keras_at(100 - k)
    np.testing.assert_allclose(optax_curve, warmup_cosine(100 - k), **TOL)
    np.testing.assert_allclose(port, warmup_cosine(100), **TOL)
    np.testing.assert_allclose(fixed, optax_curve, **TOL)
    assert optax_curve[99] > 1e-4 and optax_curve[100] == pytest.approx(0, abs=1e-6)
    assert port[109] > 1e-4 and port[110] == pytest.approx(0, abs=1e-6)
    assert port[100] == pytest.approx(W * (1 + math.cos(0.9 * math.pi)) / 2, rel=1e-5)


def test_keras_polynomial_decay_with_cycle_does_not_hold(keras_):
    got = keras_values(
        keras_, keras_.optimizers.schedules.PolynomialDecay(W, T, end_learning_rate=0.0, cycle=True)
    )
    np.testing.assert_allclose(got[: T + 1], reversal("linear")[: T + 1], **TOL)
    assert got[T + 1] > 0


# ----------------------------------------------- loss weights in real training steps
TRAIN = dict(method="cosine", total_steps=5, max_weight=0.5)
TRAIN_STEPS = 8  # steps 0..7: step 5 = T reaches w, steps 6 and 7 hold it
EXPECTED = dw.weight("cosine", np.arange(TRAIN_STEPS), 5, 0.5)


# ------------------------------------------------------------- versions, design
PINNED = [
    "torch",
    "torchvision",
    "pytorch-lightning",
    "timm",
    "jax",
    "jaxlib",
    "optax",
    "transformers",
    "accelerate",
    "keras",
]


def pins():
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]["frameworks"]
    return dict(pin.split("==") for pin in extra)


def test_every_framework_is_pinned():
    assert sorted(pins()) == sorted(PINNED)


def test_notebook_names_the_pinned_versions():
    """10 states the versions its code was checked against: the `frameworks` pins."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    text = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    named = dict(
        re.findall(
            r"\b(torch|pytorch-lightning|timm|jax|optax|transformers|keras) (\d+\.\d+\.\d+)\b", text
        )
    )
    assert named == {name: pins()[name] for name in named} and set(named) == {
        "torch",
        "pytorch-lightning",
        "timm",
        "jax",
        "optax",
        "transformers",
        "keras",
    }, named


@pytest.mark.parametrize("name", PINNED)
def test_installed_versions_are_the_pins(name):
    require(
        {
            "pytorch-lightning": "lightning",
            "torchvision": "timm",
            "timm": "timm",
            "torch": "torch",
            "transformers": "hf",
            "accelerate": "hf",
            "keras": "keras",
        }.get(name, "optax")
    )
    assert version(name).split("+")[0] == pins()[name]


def test_notebook_names_every_function():
    """Each function of examples/frameworks.py appears in 10, and 10 names no other."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    text = "\n".join(cell.source for cell in nb.cells)
    public = {
        name
        for name in vars(fw)
        if not name.startswith("_")
        and callable(getattr(fw, name))
        and getattr(getattr(fw, name), "__module__", "") == "frameworks"
    }
    named = set(re.findall(r"\bfw\.([a-z][a-z_]*)\b", text))
    assert public == named, (public - named, named - public)


def test_module_imports_without_the_frameworks():
    """10 imports examples/frameworks.py under `make test`, where no framework is installed."""
    code = (
        "import sys; sys.path.insert(0, 'examples'); import frameworks; "
        "print(sorted({'torch', 'pytorch_lightning', 'timm', 'jax', 'optax', 'transformers', "
        "'keras'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_a_missing_library_skips_but_fails_under_ci(monkeypatch):
    monkeypatch.setitem(LIBRARIES, "torch", ["no_such_framework"])
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(
        pytest.skip.Exception, match="no_such_framework not installed: `make test-frameworks`"
    ):
        require("torch")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        require("torch")
