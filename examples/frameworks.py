"""Notebook 09's framework table as code that runs: PyTorch, optax, Hugging Face, Keras.

One small function per cell of the table, named ``<row>_<framework>``. Each builds the
library's scheduler the way a user would, and its docstring names the ``dynweights`` curve
that it equals and what it does past ``T``. Four ``train_*`` functions drive a loss weight
from ``dynweights`` for a few real steps on a tiny model and return the weight that the loss
used at each step.

Notebook 09 shows this source (``inspect.getsource``); ``tests/test_frameworks.py`` runs
every function against the real libraries and compares it with ``dynweights``
(``make test-frameworks``). The libraries are imported inside the functions, so this file
imports with numpy and ``dynweights`` alone. ``optimizer`` is a PyTorch optimizer whose
learning rate is ``w``: PyTorch and Hugging Face schedulers multiply it.
"""

import math
import os

import numpy as np

import dynweights as dw


def _keras():
    """Keras 3 on the JAX backend (the backend must be chosen before the first import)."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras
    return keras


# ------------------------------------------------------------------------ linear
def linear_torch(optimizer, total_steps):
    """dw.weight("linear", t, T, w, decay="reversal"); holds 0 past T."""
    import torch
    return torch.optim.lr_scheduler.PolynomialLR(optimizer, total_iters=total_steps, power=1.0)


def linear_optax(total_steps, max_weight):
    """dw.linear(t, T, w), exactly; holds w past T."""
    import optax
    return optax.linear_schedule(init_value=0.0, end_value=max_weight, transition_steps=total_steps)


def linear_hf(optimizer, total_steps):
    """dw.weight("linear", t, T, w, decay="reversal"); holds 0 past T."""
    from transformers import get_linear_schedule_with_warmup
    return get_linear_schedule_with_warmup(optimizer, num_warmup_steps=0, num_training_steps=total_steps)


def linear_keras(total_steps, max_weight):
    """dw.linear(t, T, w), exactly, per step; holds w past T."""
    keras = _keras()
    return keras.optimizers.schedules.PolynomialDecay(
        initial_learning_rate=0.0, decay_steps=total_steps, end_learning_rate=max_weight, power=1.0)


# ------------------------------------------------------------------------ cosine
def cosine_torch(optimizer, total_steps):
    """dw.weight("cosine", t, T, w, decay="reversal") up to T; past T it rises again."""
    import torch
    return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_steps, eta_min=0.0)


def cosine_optax(total_steps, max_weight):
    """dw.cosine(t, T, w): w minus optax's cosine decay (a schedule is a function of the
    step, so subtract its value, not the function); holds w past T."""
    import optax
    decay = optax.cosine_decay_schedule(init_value=max_weight, decay_steps=total_steps)
    return lambda count: max_weight - decay(count)


def cosine_hf(optimizer, total_steps):
    """dw.weight("cosine", t, T, w, decay="reversal") up to T; past T it rises again."""
    from transformers import get_cosine_schedule_with_warmup
    return get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=0, num_training_steps=total_steps)


def cosine_keras(total_steps, max_weight):
    """dw.cosine(t, T, w): w minus Keras's CosineDecay, as a LearningRateSchedule;
    holds w past T."""
    keras = _keras()

    class CosineRamp(keras.optimizers.schedules.LearningRateSchedule):
        def __init__(self):
            self.decay = keras.optimizers.schedules.CosineDecay(max_weight, total_steps)

        def __call__(self, step):
            return max_weight - self.decay(step)

    return CosineRamp()


# ------------------------------------------------------------------------- power
def power_torch(optimizer, total_steps, a):
    """dw.weight("power", t, T, w, a=a, decay="reversal"); holds 0 past T."""
    import torch
    return torch.optim.lr_scheduler.PolynomialLR(optimizer, total_iters=total_steps, power=a)


def power_optax(total_steps, max_weight, a):
    """dw.weight("power", t, T, w, a=a, decay="reversal"); holds 0 past T."""
    import optax
    return optax.polynomial_schedule(init_value=max_weight, end_value=0.0, power=a,
                                     transition_steps=total_steps)


def power_hf(optimizer, total_steps, a):
    """dw.weight("power", t, T, w, a=a, decay="reversal"); holds 0 past T.
    lr_end=0.0 is needed: its default is 1e-7."""
    from transformers import get_polynomial_decay_schedule_with_warmup
    return get_polynomial_decay_schedule_with_warmup(
        optimizer, num_warmup_steps=0, num_training_steps=total_steps, lr_end=0.0, power=a)


def power_keras(total_steps, max_weight, a):
    """dw.weight("power", t, T, w, a=a, decay="reversal"); holds 0 past T.
    end_learning_rate=0.0 is needed: its default is 1e-4."""
    keras = _keras()
    return keras.optimizers.schedules.PolynomialDecay(
        initial_learning_rate=max_weight, decay_steps=total_steps, end_learning_rate=0.0, power=a)


# ------------------------------------------- the mirror of power: from 0 up to w
def mirror_optax(total_steps, max_weight, a):
    """w - dw.weight("power", t, T, w, a=a, decay="reversal"): NOT the power ramp; holds w."""
    import optax
    return optax.polynomial_schedule(init_value=0.0, end_value=max_weight, power=a,
                                     transition_steps=total_steps)


def mirror_keras(total_steps, max_weight, a):
    """w - dw.weight("power", t, T, w, a=a, decay="reversal"): NOT the power ramp; holds w."""
    keras = _keras()
    return keras.optimizers.schedules.PolynomialDecay(
        initial_learning_rate=0.0, decay_steps=total_steps, end_learning_rate=max_weight, power=a)


# ------------------------------------ geometric: the complement of the exponential
def geometric_torch(optimizer, total_steps, rate):
    """dw.weight("exponential", t, T, w, decay="complement", rate=rate) up to T;
    past T it keeps decaying."""
    import torch
    return torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=math.exp(-rate / total_steps))


def geometric_optax(total_steps, max_weight, rate):
    """dw.weight("exponential", t, T, w, decay="complement", rate=rate); end_value makes
    it hold past T (without it, it keeps decaying)."""
    import optax
    return optax.exponential_decay(init_value=max_weight, transition_steps=total_steps,
                                   decay_rate=math.exp(-rate), end_value=max_weight * math.exp(-rate))


def geometric_keras(total_steps, max_weight, rate):
    """dw.weight("exponential", t, T, w, decay="complement", rate=rate) up to T;
    past T it keeps decaying."""
    keras = _keras()
    return keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate=max_weight, decay_steps=total_steps, decay_rate=math.exp(-rate))


# --------------------- any ramp or decay (sigmoid, logistic, cyclical, ...): no built-in
def any_torch(optimizer, method, total_steps, **params):
    """dw.weight(method, t, T, w, **params), exactly (w is the optimizer's rate); holds past T.
    Hugging Face's schedulers are LambdaLRs too: pass this one to Trainer(optimizers=...)."""
    import torch
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: dw.weight(method, step, total_steps, **params))


def any_optax(method, total_steps, max_weight, **params):
    """dw.weight(method, t, T, w, **params), jit-safe: the T + 1 values are computed once
    by numpy, and the clamped index holds the last one past T."""
    import jax.numpy as jnp
    values = jnp.asarray(dw.schedule(method, total_steps, max_weight, **params))
    return lambda count: values[jnp.minimum(count, total_steps)]


def any_keras(method, total_steps, max_weight, **params):
    """dw.weight(method, t, T, w, **params) per step, as a LearningRateSchedule (a table
    lookup, so it works inside Keras's compiled train step); holds past T."""
    keras = _keras()

    class DynweightsSchedule(keras.optimizers.schedules.LearningRateSchedule):
        def __init__(self):
            self.values = keras.ops.convert_to_tensor(
                dw.schedule(method, total_steps, max_weight, **params), dtype="float32")

        def __call__(self, step):
            return keras.ops.take(self.values, keras.ops.minimum(step, total_steps))

    return DynweightsSchedule()


# ---------------------------------- warm-up over k steps, then hold (a ramp with T = k)
def warmup_torch(optimizer, warmup_steps):
    """dw.linear(t, k, w): LinearLR cannot start at 0 (start_factor must be > 0)."""
    import torch
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: dw.linear(step, warmup_steps))


def warmup_hf(optimizer, warmup_steps):
    """dw.linear(t, k, w), exactly; holds w past k."""
    from transformers import get_constant_schedule_with_warmup
    return get_constant_schedule_with_warmup(optimizer, num_warmup_steps=warmup_steps)


# optax: linear_optax(k, w); Keras: linear_keras(k, w), per step. Keras's
# LearningRateScheduler callback sets the rate once per *epoch*, not per step.


# ----------------------------------------------- a loss weight in a training loop
def _toy_regression(n=32, seed=0):
    """y = x @ [1, -2, 0.5] + noise: a tiny data set for the tiny models below."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=n)).astype(np.float32)
    return x, y[:, None]


def train_torch(steps, method, total_steps, max_weight, **params):
    """PyTorch: the weight is a Python float; the loss is task + w_t * aux."""
    import torch
    torch.manual_seed(0)
    x, y = map(torch.from_numpy, _toy_regression())
    model = torch.nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    used = []
    for step in range(steps):                      # a global step: never reset per epoch
        w_t = dw.weight(method, step, total_steps, max_weight, **params)
        task = torch.nn.functional.mse_loss(model(x), y)
        aux = model.weight.pow(2).sum()            # e.g. a penalty on the weights
        loss = task + w_t * aux
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        used.append(w_t)                           # the weight this step's loss used
    return used


def train_optax(steps, method, total_steps, max_weight, **params):
    """optax / JAX: inside jit the step is a tracer, so the weight is a lookup in the
    precomputed schedule (any_optax); the jitted step returns the weight it used."""
    import jax
    import jax.numpy as jnp
    import optax
    x, y = map(jnp.asarray, _toy_regression())
    weight_at = any_optax(method, total_steps, max_weight, **params)
    optimizer = optax.sgd(learning_rate=0.1)
    params_ = {"kernel": jnp.zeros((3, 1)), "bias": jnp.zeros(1)}
    opt_state = optimizer.init(params_)

    @jax.jit
    def train_step(params_, opt_state, step):
        w_t = weight_at(step)

        def loss_fn(p):
            task = jnp.mean((x @ p["kernel"] + p["bias"] - y) ** 2)
            aux = jnp.sum(p["kernel"] ** 2)
            return task + w_t * aux

        grads = jax.grad(loss_fn)(params_)
        updates, opt_state = optimizer.update(grads, opt_state, params_)
        return optax.apply_updates(params_, updates), opt_state, w_t

    used = []
    for step in range(steps):
        params_, opt_state, w_t = train_step(params_, opt_state, step)
        used.append(float(w_t))
    return used


def train_hf(steps, method, total_steps, max_weight, output_dir, **params):
    """Hugging Face Trainer: override compute_loss and read the global step (the number
    of optimizer steps done) from the trainer state. A tiny BERT built from a config:
    nothing is downloaded."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, Trainer, TrainingArguments

    class RampedTrainer(Trainer):
        def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
            outputs = model(**inputs)
            w_t = dw.weight(method, self.state.global_step, total_steps, max_weight, **params)
            aux = outputs.logits.pow(2).mean()     # e.g. a penalty on the logits
            loss = outputs.loss + w_t * aux
            self.used.append(w_t)
            return (loss, outputs) if return_outputs else loss

    torch.manual_seed(0)
    config = BertConfig(vocab_size=32, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=16, num_labels=2)
    model = BertForSequenceClassification(config)
    rng = np.random.default_rng(0)
    data = [{"input_ids": torch.tensor(rng.integers(1, 32, size=8)), "labels": torch.tensor(i % 2)}
            for i in range(16)]
    args = TrainingArguments(output_dir=output_dir, max_steps=steps, per_device_train_batch_size=4,
                             learning_rate=1e-3, lr_scheduler_type="constant", use_cpu=True,
                             report_to="none", save_strategy="no", logging_strategy="no",
                             disable_tqdm=True, seed=0)
    trainer = RampedTrainer(model=model, args=args, train_dataset=data)
    trainer.used = []                              # the weight each step's loss used
    trainer.train()
    return trainer.used


def train_keras(steps, method, total_steps, max_weight, **params):
    """Keras 3 (JAX backend): the model owns a non-trainable variable, a callback sets it
    before each batch, and the loss reads it. The model's variables enter the compiled
    train step as state, so the new value is seen at every step. The weight is also
    logged as a metric: what the loss used."""
    keras = _keras()

    class LastValue(keras.metrics.Metric):
        def __init__(self, name):
            super().__init__(name=name)
            self.value = self.add_variable(shape=(), initializer="zeros", name="value")

        def update_state(self, value):
            self.value.assign(value)

        def result(self):
            return keras.ops.convert_to_tensor(self.value)

    class RampedModel(keras.Sequential):
        def __init__(self, layers):
            super().__init__(layers)
            self.aux_weight = keras.Variable(0.0, trainable=False, name="aux_weight")
            self.weight_used = LastValue("aux_weight")

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            task = super().compute_loss(x, y, y_pred, sample_weight, training)
            aux = keras.ops.sum(self.layers[0].kernel ** 2)
            w_t = self.aux_weight.value
            self.weight_used.update_state(w_t)
            return task + w_t * aux

    class RampWeight(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.step = 0                          # a global step: never reset per epoch

        def on_train_batch_begin(self, batch, logs=None):
            self.model.aux_weight.assign(dw.weight(method, self.step, total_steps, max_weight, **params))
            self.step += 1

    used = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            used.append(float(logs["aux_weight"]))

    keras.utils.set_random_seed(0)
    x, y = _toy_regression(n=8 * steps)
    model = RampedModel([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[RampWeight(), Record()])
    return used


def train_keras_global_variable(steps, method, total_steps, max_weight, **params):
    """The trap: a keras.Variable that the model does not own, set from a callback, read by
    the loss. On the JAX backend the compiled train step reads it once, when it is traced."""
    keras = _keras()
    aux_weight = keras.Variable(0.0, trainable=False)

    class RampWeight(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.step = 0

        def on_train_batch_begin(self, batch, logs=None):
            aux_weight.assign(dw.weight(method, self.step, total_steps, max_weight, **params))
            self.step += 1

    def loss(y_true, y_pred):                      # its value is the weight it used
        return aux_weight * keras.ops.ones(()) + 0.0 * keras.ops.mean(y_pred)

    used = []

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):  # one batch per epoch: the epoch's loss
            used.append(float(logs["loss"]))

    keras.utils.set_random_seed(0)
    x, y = _toy_regression(n=8)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss=loss)
    model.fit(x, y, batch_size=8, epochs=steps, verbose=0, callbacks=[RampWeight(), Record()])
    return used
