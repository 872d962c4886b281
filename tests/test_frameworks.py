"""Notebook 09's framework table, run against the real PyTorch, optax, Hugging Face and Keras.

Every function of examples/frameworks.py (the code 09 shows) is compared with dynweights at
steps 0..T and past T (the libraries compute in float32, hence 1e-6), including what each one
does past T: hold, rise again, keep decaying or raise. The train_* functions run a few real
steps on a tiny model on the CPU and return the weight the loss used at each step.

`make test-frameworks` installs the pinned `frameworks` extra and runs this file; `make test`
does not collect it (pyproject.toml: --ignore), so the tutorial's tests never import a
framework. A missing library skips its tests with a message, except when the environment
variable CI is set: then it is a failure, so that CI cannot pass by skipping.
"""

from __future__ import annotations

import importlib.util
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

os.environ["KERAS_BACKEND"] = "jax"  # before keras is first imported; 09 says JAX
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))
import frameworks as fw  # noqa: E402  (after the path and the backend are set)

T, W, A, RATE = 20, 2.0, 3.0, 4.0
STEPS = np.arange(3 * T + 1)          # 0..T and two more T past the end
TOL = dict(rtol=1e-6, atol=1e-6)      # the libraries compute in float32
LIBRARIES = {"torch": ["torch"], "optax": ["jax", "optax"],
             "hf": ["torch", "transformers", "accelerate"], "keras": ["keras", "jax"]}


def require(framework):
    """Skip (or, with CI set, fail) when a library of ``framework`` is not installed."""
    missing = [name for name in LIBRARIES[framework] if importlib.util.find_spec(name) is None]
    if missing:
        message = (f"{', '.join(missing)} not installed: `make test-frameworks` installs the "
                   f"pinned `frameworks` extra")
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI is set: a skipped framework test is a failure)")
        pytest.skip(message)


@pytest.fixture
def torch_():
    require("torch")
    import torch
    return torch


@pytest.fixture
def optax_():
    require("optax")
    import optax
    return optax


@pytest.fixture
def hf():
    require("hf")
    import transformers
    return transformers


@pytest.fixture
def keras_():
    require("keras")
    import keras
    assert keras.backend.backend() == "jax"
    return keras


# ------------------------------------------------------------ reading the libraries
def torch_values(torch, make_scheduler, n=STEPS.size):
    """The learning rate a scheduler gives at steps 0..n-1, for an optimizer at rate W."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=W)
    scheduler = make_scheduler(optimizer)
    values = [scheduler.get_last_lr()[0]]
    for _ in range(n - 1):
        optimizer.step()
        scheduler.step()
        values.append(scheduler.get_last_lr()[0])
    return np.array(values)


def optax_values(schedule):
    import jax.numpy as jnp
    return np.asarray(schedule(jnp.asarray(STEPS)), dtype=np.float64)


def keras_values(keras, schedule):
    return np.array([float(keras.ops.convert_to_numpy(schedule(int(step)))) for step in STEPS])


def folded(steps):
    """The step in 0..T where an unclamped cosine (even, 2T-periodic) has the same value."""
    return T - np.abs(T - steps % (2 * T))


# ------------------------------------------------------------------- the table
def reversal(method, **params):
    return dw.weight(method, STEPS, T, W, decay="reversal", **params)


HOLDS = {  # (framework, function name): what it equals at every step 0..3T (it holds past T)
    ("torch", "linear_torch"): (lambda: reversal("linear")),
    ("optax", "linear_optax"): (lambda: dw.linear(STEPS, T, W)),
    ("hf", "linear_hf"): (lambda: reversal("linear")),
    ("keras", "linear_keras"): (lambda: dw.linear(STEPS, T, W)),
    ("optax", "cosine_optax"): (lambda: dw.cosine(STEPS, T, W)),
    ("keras", "cosine_keras"): (lambda: dw.cosine(STEPS, T, W)),
    ("torch", "power_torch"): (lambda: reversal("power", a=A)),
    ("optax", "power_optax"): (lambda: reversal("power", a=A)),
    ("hf", "power_hf"): (lambda: reversal("power", a=A)),
    ("keras", "power_keras"): (lambda: reversal("power", a=A)),
    ("optax", "mirror_optax"): (lambda: W - reversal("power", a=A)),
    ("keras", "mirror_keras"): (lambda: W - reversal("power", a=A)),
    ("optax", "geometric_optax"): (lambda: dw.weight("exponential", STEPS, T, W,
                                                     decay="complement", rate=RATE)),
    ("torch", "warmup_torch"): (lambda: dw.linear(STEPS, T, W)),
    ("hf", "warmup_hf"): (lambda: dw.linear(STEPS, T, W)),
}
ANY = [("sigmoid", None, {}), ("logistic", None, {}),
       ("cyclical", None, {"cycles": 4, "ratio": 0.5}),
       ("exponential", None, {"rate": RATE}), ("normalized_exponential", None, {"rate": RATE}),
       ("power", "complement", {"a": A}), ("exponential", "reversal", {"rate": RATE})]


def library_values(framework, name, lib, *args, **params):
    """Build the scheduler with examples/frameworks.py and read it at STEPS."""
    function = getattr(fw, name)
    if framework in ("torch", "hf"):
        return torch_values(lib if framework == "torch" else __import__("torch"),
                            lambda optimizer: function(optimizer, *args, **params))
    schedule = function(*args, **params)
    return optax_values(schedule) if framework == "optax" else keras_values(lib, schedule)


def arguments(framework, name):
    """The arguments of a table function: the optimizer carries W for torch and hf."""
    row = name.rsplit("_", 1)[0]
    extra = {"power": (A,), "mirror": (A,), "geometric": (RATE,)}.get(row, ())
    return (T, *extra) if framework in ("torch", "hf") else (T, W, *extra)


@pytest.fixture
def lib(request):
    fixtures = {"torch": "torch_", "optax": "optax_", "hf": "hf", "keras": "keras_"}
    return request.getfixturevalue(fixtures[request.param])


@pytest.mark.parametrize("lib, name", [(f, n) for f, n in HOLDS], indirect=["lib"],
                         ids=[n for _, n in HOLDS])
def test_equals_dynweights_and_holds_past_T(lib, name):
    framework = name.rsplit("_", 1)[1]
    assert framework in ("torch", "optax", "hf", "keras"), name
    got = library_values(framework, name, lib, *arguments(framework, name))
    np.testing.assert_allclose(got, HOLDS[(framework, name)](), **TOL)
    assert np.all(got[T:] == got[T]), f"{name} does not hold its value past T"


@pytest.mark.parametrize("lib, name", [("torch", "cosine_torch"), ("hf", "cosine_hf")],
                         indirect=["lib"])
def test_cosine_decays_are_not_clamped(lib, name):
    """PyTorch CosineAnnealingLR and Hugging Face's cosine equal the reversed cosine ramp up
    to T, then rise again: back to the full rate at 2T (dynweights holds 0)."""
    framework = name.rsplit("_", 1)[1]
    got = library_values(framework, name, lib, T)
    held = reversal("cosine")
    np.testing.assert_allclose(got[:T + 1], held[:T + 1], **TOL)
    np.testing.assert_allclose(got, dw.weight("cosine", folded(STEPS), T, W, decay="reversal"),
                               **TOL)
    assert np.all(held[T:] == 0) and np.all(got[T + 1:2 * T] > 0)
    # 9.5 % of the peak, 20 % past T
    assert got[int(1.2 * T)] == pytest.approx(0.0954915 * W, rel=1e-6)
    assert got[2 * T] == pytest.approx(W)


@pytest.mark.parametrize("lib, name", [("torch", "geometric_torch"), ("keras", "geometric_keras")],
                         indirect=["lib"])
def test_exponential_decays_keep_decaying(lib, name):
    framework = name.rsplit("_", 1)[1]
    got = library_values(framework, name, lib, *arguments(framework, name))
    held = dw.weight("exponential", STEPS, T, W, decay="complement", rate=RATE)
    np.testing.assert_allclose(got[:T + 1], held[:T + 1], **TOL)
    np.testing.assert_allclose(got, W * np.exp(-RATE * STEPS / T), rtol=1e-5)  # alpha^t for every t
    assert np.all(np.diff(got[T:]) < 0) and np.all(got[T + 1:] < held[T + 1:])


def test_optax_exponential_decay_without_end_value_keeps_decaying(optax_):
    got = optax_values(optax_.exponential_decay(W, T, math.exp(-RATE)))
    assert np.all(np.diff(got[T:]) < 0)


@pytest.mark.parametrize("method, decay, params", ANY, ids=[f"{m}-{d}" for m, d, _ in ANY])
@pytest.mark.parametrize("lib", ["torch", "optax", "keras"], indirect=True)
def test_any_ramp_or_decay(lib, method, decay, params, request):
    framework = request.node.callspec.params["lib"]
    if decay:
        params = {**params, "decay": decay}
    expected = dw.weight(method, STEPS, T, W, **params)
    if framework == "torch":
        got = torch_values(lib, lambda optimizer: fw.any_torch(optimizer, method, T, **params))
    elif framework == "optax":
        got = optax_values(fw.any_optax(method, T, W, **params))
    else:
        got = keras_values(lib, fw.any_keras(method, T, W, **params))
    np.testing.assert_allclose(got, expected, **TOL)


# --------------------------------------------------- claims the table and 09 make
def test_torch_linear_lr_cannot_start_at_zero_and_holds(torch_):
    with pytest.raises(ValueError, match="greater than 0"):
        torch_.optim.lr_scheduler.LinearLR(torch_.optim.SGD([torch_.zeros(1, requires_grad=True)]),
                                           start_factor=0.0, total_iters=T)
    got = torch_values(torch_, lambda opt: torch_.optim.lr_scheduler.LinearLR(
        opt, start_factor=0.25, total_iters=T))
    np.testing.assert_allclose(got[:T + 1], W * (0.25 + 0.75 * dw.linear(STEPS[:T + 1], T)), **TOL)
    assert np.all(got[T:] == got[T]) and got[T] == pytest.approx(W)


def test_torch_one_cycle_ends_at_T_minus_1_and_raises_past_T(torch_):
    """OneCycleLR(total_steps=T) reaches its minimum at step T - 1, rises again at step T,
    and raises at step T + 1."""
    optimizer = torch_.optim.SGD([torch_.zeros(1, requires_grad=True)], lr=W)
    scheduler = torch_.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=W, total_steps=T)
    values = [scheduler.get_last_lr()[0]]
    for _ in range(T):
        optimizer.step()
        scheduler.step()
        values.append(scheduler.get_last_lr()[0])
    assert np.argmin(values) == T - 1 and values[T] > values[T - 1]
    optimizer.step()
    with pytest.raises(ValueError, match="Tried to step"):
        scheduler.step()


def test_default_end_values_are_not_zero(hf, keras_):
    import torch
    got = torch_values(torch, lambda opt: hf.get_polynomial_decay_schedule_with_warmup(opt, 0, T))
    assert got[T] == pytest.approx(1e-7) and np.all(got[T:] == got[T])
    got = keras_values(keras_, keras_.optimizers.schedules.PolynomialDecay(W, T))
    assert got[T] == pytest.approx(1e-4, rel=1e-6)


def test_keras_polynomial_decay_with_cycle_does_not_hold(keras_):
    got = keras_values(keras_, keras_.optimizers.schedules.PolynomialDecay(
        W, T, end_learning_rate=0.0, cycle=True))
    np.testing.assert_allclose(got[:T + 1], reversal("linear")[:T + 1], **TOL)
    assert got[T + 1] > 0


def test_subtracting_a_schedule_from_a_number_does_not_run(optax_, keras_):
    """The old table's `w - cosine_decay_schedule(w, T)` and `w - CosineDecay(w, T)`."""
    with pytest.raises(TypeError):
        W - optax_.cosine_decay_schedule(W, T)
    with pytest.raises(TypeError):
        W - keras_.optimizers.schedules.CosineDecay(W, T)


# Keras 3.15 reads its JAX arrays with np.array(x), which numpy 2.4 warns about: not ours.
@pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")
def test_keras_learning_rate_scheduler_is_per_epoch(keras_):
    """LearningRateScheduler(lambda epoch, lr: dw.linear(epoch, k, w)) sets the rate once per
    epoch: 0 for the whole first epoch, so the model does not move in its 4 steps; the
    per-step PolynomialDecay (linear_keras) moves it from the second step on."""
    x, y = fw._toy_regression(n=16)

    def first_epoch_moves(**fit_kwargs):
        keras_.utils.set_random_seed(0)
        model = keras_.Sequential([keras_.Input((3,)), keras_.layers.Dense(1)])
        model.compile(optimizer=fit_kwargs.pop("optimizer"), loss="mse")
        def kernel():
            return keras_.ops.convert_to_numpy(model.layers[0].kernel).copy()

        before = kernel()
        model.fit(x, y, batch_size=4, epochs=1, verbose=0, **fit_kwargs)
        return not np.array_equal(before, kernel())

    per_epoch = keras_.callbacks.LearningRateScheduler(lambda epoch, lr: dw.linear(epoch, 3, 0.1))
    assert not first_epoch_moves(optimizer=keras_.optimizers.SGD(), callbacks=[per_epoch])
    assert first_epoch_moves(optimizer=keras_.optimizers.SGD(learning_rate=fw.linear_keras(3, 0.1)))


def test_power_defaults(torch_, optax_, hf, keras_):
    """power defaults to 1 in PyTorch, Hugging Face and Keras; optax has no default."""
    import inspect
    def power_default(function):
        return inspect.signature(function).parameters["power"].default

    default = {
        "PolynomialLR": power_default(torch_.optim.lr_scheduler.PolynomialLR),
        "HF": power_default(hf.get_polynomial_decay_schedule_with_warmup),
        "PolynomialDecay": power_default(keras_.optimizers.schedules.PolynomialDecay),
    }
    assert default == {"PolynomialLR": 1.0, "HF": 1.0, "PolynomialDecay": 1.0}
    power = inspect.signature(optax_.polynomial_schedule).parameters["power"]
    assert power.default is inspect.Parameter.empty


def test_dw_weight_rejects_a_jax_tracer(optax_):
    import jax
    with pytest.raises(TypeError):
        jax.jit(lambda step: dw.weight("cosine", step, T, W))(3)


def test_exercise_2_is_hugging_face_linear_warmup(hf):
    """09 Exercise 2: warm-up held past k, times a linear decay from step k, is HF's multiplier."""
    import torch
    k, N = 10, 100
    s = np.arange(121)
    multiplier = dw.linear(s, k) * dw.weight("linear", np.maximum(s - k, 0), N - k,
                                             decay="reversal")
    got = torch_values(torch, lambda opt: hf.get_linear_schedule_with_warmup(opt, k, N),
                       n=len(s)) / W
    np.testing.assert_allclose(got, multiplier, **TOL)


# ----------------------------------------------- loss weights in real training steps
TRAIN = dict(method="cosine", total_steps=5, max_weight=0.5)
TRAIN_STEPS = 8  # steps 0..7: step 5 = T reaches w, steps 6 and 7 hold it
EXPECTED = dw.weight("cosine", np.arange(TRAIN_STEPS), 5, 0.5)


def test_train_torch(torch_):
    np.testing.assert_allclose(fw.train_torch(TRAIN_STEPS, **TRAIN), EXPECTED, **TOL)


def test_train_optax(optax_):
    np.testing.assert_allclose(fw.train_optax(TRAIN_STEPS, **TRAIN), EXPECTED, **TOL)


def test_train_hf(hf, tmp_path):
    np.testing.assert_allclose(fw.train_hf(TRAIN_STEPS, output_dir=str(tmp_path), **TRAIN),
                               EXPECTED, **TOL)


def test_hf_schedulers_are_lambdalrs_and_trainer_steps_a_dynweights_one(hf, tmp_path):
    """09's table, Hugging Face column: its schedulers are LambdaLRs, so `fw.any_torch`
    passed as Trainer(optimizers=(optimizer, scheduler)) sets every step's rate."""
    import torch
    from transformers import Trainer, TrainerCallback, TrainingArguments

    class Tiny(torch.nn.Module):  # a model Trainer accepts: forward returns the loss
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(2, 1)

        def forward(self, x, y):
            return {"loss": ((self.linear(x).squeeze(-1) - y) ** 2).mean()}

    class Rates(TrainerCallback):  # the rate each optimizer step is about to use
        def __init__(self):
            self.rates = []

        def on_step_begin(self, args, state, control, optimizer=None, **kwargs):
            self.rates.append(optimizer.param_groups[0]["lr"])

    torch.manual_seed(0)
    model, base = Tiny(), 0.5
    optimizer = torch.optim.SGD(model.parameters(), lr=base)
    assert isinstance(hf.get_linear_schedule_with_warmup(optimizer, 2, 5),
                      torch.optim.lr_scheduler.LambdaLR)
    for group in optimizer.param_groups:  # the line above changed the rate: put it back
        group["lr"] = group["initial_lr"] = base
    scheduler = fw.any_torch(optimizer, "sigmoid", 5)
    data = [{"x": torch.randn(2), "y": torch.randn(())} for _ in range(32)]
    args = TrainingArguments(output_dir=str(tmp_path), max_steps=TRAIN_STEPS,
                             per_device_train_batch_size=4, use_cpu=True, report_to="none",
                             save_strategy="no", logging_strategy="no", disable_tqdm=True, seed=0)
    rates = Rates()
    Trainer(model=model, args=args, train_dataset=data, optimizers=(optimizer, scheduler),
            callbacks=[rates]).train()
    np.testing.assert_allclose(rates.rates, base * dw.weight("sigmoid", np.arange(TRAIN_STEPS), 5),
                               rtol=1e-12)


def test_train_keras(keras_):
    np.testing.assert_allclose(fw.train_keras(TRAIN_STEPS, **TRAIN), EXPECTED, **TOL)


def test_keras_variable_the_model_does_not_own_is_frozen_under_jit(keras_):
    """The old snippet: the compiled train step saw the trace-time value, 0, at every step."""
    used = fw.train_keras_global_variable(TRAIN_STEPS, **TRAIN)
    assert used == [0.0] * TRAIN_STEPS and EXPECTED.max() > 0


# ------------------------------------------------------------- versions, design
def pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extra = project["optional-dependencies"]["frameworks"]
    return dict(pin.split("==") for pin in extra)


def test_notebook_names_the_pinned_versions():
    """09 states the versions its table was checked against: the `frameworks` pins."""
    nb = nbformat.read(ROOT / "notebooks" / "09_beyond.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    named = dict(re.findall(r"\b(torch|jax|optax|transformers|keras) (\d+\.\d+\.\d+)\b", text))
    assert named == {name: pins()[name] for name in named} and set(named) == {
        "torch", "jax", "optax", "transformers", "keras"}, named


@pytest.mark.parametrize("name", ["torch", "jax", "jaxlib", "optax", "transformers",
                                  "accelerate", "keras"])
def test_installed_versions_are_the_pins(name):
    require({"torch": "torch", "transformers": "hf", "accelerate": "hf",
             "keras": "keras"}.get(name, "optax"))
    assert version(name).split("+")[0] == pins()[name]


def test_notebook_names_every_function():
    """Each function of examples/frameworks.py appears in 09, and 09 names no other."""
    nb = nbformat.read(ROOT / "notebooks" / "09_beyond.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in nb.cells)
    public = {name for name in vars(fw) if not name.startswith("_") and callable(getattr(fw, name))
              and getattr(getattr(fw, name), "__module__", "") == "frameworks"}
    named = set(re.findall(r"\bfw\.([a-z][a-z_]*)\b", text))
    assert public == named, (public - named, named - public)


def test_module_imports_without_the_frameworks():
    """09 imports examples/frameworks.py under `make test`, where no framework is installed."""
    code = ("import sys; sys.path.insert(0, 'examples'); import frameworks; "
            "print(sorted({'torch', 'jax', 'optax', 'transformers', 'keras'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_a_missing_library_skips_but_fails_under_ci(monkeypatch):
    monkeypatch.setitem(LIBRARIES, "torch", ["no_such_framework"])
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception,
                       match="no_such_framework not installed: `make test-frameworks`"):
        require("torch")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        require("torch")
