"""Notebook 10's code: dynamic weights in PyTorch, Lightning, timm, optax, Hugging Face, Keras.

One section per framework, in the notebook's order. In each, a ``train_*`` function drives a
*loss weight* from ``dynweights`` for a few real steps on a tiny model (no scheduler object:
``dw.weight(global_step, ...)`` in the loss) and returns the weight the loss used at each
step; the other functions build the library's *learning-rate* schedules the way a user would,
and each docstring names the ``dynweights`` curve it equals and what it does past ``T``.

Notebook 10 shows this source (``inspect.getsource``); ``tests/test_frameworks.py`` runs every
function against the pinned libraries (``make test-frameworks``) and compares it with
``dynweights``. The libraries are imported inside the functions, so this file imports with
numpy and ``dynweights`` alone. ``optimizer`` is a PyTorch optimizer whose learning rate is
``w``: PyTorch, timm and Hugging Face schedulers multiply it.
"""

import math
import os

import numpy as np

import dynweights as dw


def _toy_regression(n=32, seed=0):
    """y = x @ [1, -2, 0.5] + noise: a tiny data set for the tiny models below."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=n)).astype(np.float32)
    return x, y[:, None]


# =============================================================================== PyTorch
def train_torch(steps, method, total_steps, max_weight, **params):
    """PyTorch: the weight is a Python float; the loss is task + w_t * aux."""
    import torch

    torch.manual_seed(0)
    x, y = map(torch.from_numpy, _toy_regression())
    model = torch.nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    used = []
    for step in range(steps):  # a global step: never reset per epoch
        w_t = dw.weight(method, step, total_steps, max_weight, **params)
        task = torch.nn.functional.mse_loss(model(x), y)
        aux = model.weight.pow(2).sum()  # e.g. a penalty on the weights
        loss = task + w_t * aux
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        used.append(w_t)  # the weight this step's loss used
    return used


def any_torch(optimizer, method, total_steps, **params):
    """dw.weight(method, t, T, w, **params), exactly (w is the optimizer's rate); holds past T."""
    import torch

    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: dw.weight(method, step, total_steps, **params)
    )


def linear_torch(optimizer, total_steps):
    """dw.weight("linear", t, T, w, decay="reversal"); holds 0 past T."""
    import torch

    return torch.optim.lr_scheduler.LinearLR(
        optimizer, start_factor=1.0, end_factor=0.0, total_iters=total_steps
    )


def cosine_torch(optimizer, total_steps):
    """dw.weight("cosine", t, T, w, decay="reversal") up to T; past T it rises again."""
    import torch

    return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_steps, eta_min=0.0)


def power_torch(optimizer, total_steps, a):
    """dw.weight("power", t, T, w, a=a, decay="reversal"); holds 0 past T."""
    import torch

    return torch.optim.lr_scheduler.PolynomialLR(optimizer, total_iters=total_steps, power=a)


def geometric_torch(optimizer, total_steps, rate):
    """dw.weight("exponential", t, T, w, decay="complement", rate=rate) up to T;
    past T it keeps decaying."""
    import torch

    return torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=math.exp(-rate / total_steps))


def warmup_torch(optimizer, warmup_steps):
    """dw.linear(t, k, w), exactly: LinearLR cannot start at 0 (start_factor must be > 0)."""
    import torch

    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: dw.linear(step, warmup_steps))


def warmup_linear_torch(optimizer, warmup_steps, total_steps, start_factor=1e-8):
    """Warm-up over k steps, then linear decay to 0 at N: Hugging Face's linear schedule,
    dw.linear(t, k) * dw.weight("linear", max(t - k, 0), N - k, decay="reversal") times w,
    to within start_factor * w (step 0 gives start_factor * w instead of 0); holds 0 past N."""
    import torch

    lr_scheduler = torch.optim.lr_scheduler
    warmup = lr_scheduler.LinearLR(
        optimizer, start_factor=start_factor, end_factor=1.0, total_iters=warmup_steps
    )
    decay = lr_scheduler.LinearLR(
        optimizer, start_factor=1.0, end_factor=0.0, total_iters=total_steps - warmup_steps
    )
    return lr_scheduler.SequentialLR(optimizer, [warmup, decay], milestones=[warmup_steps])


def warmup_geometric_torch(optimizer, warmup_steps, total_steps, rate, start_factor=1e-8):
    """ChainedScheduler steps both schedulers every step and multiplies their factors: a
    warm-up over k steps times geometric decay, dw.linear(t, k) * dw.weight("exponential", t,
    T, w, decay="complement", rate=rate) up to T, to within start_factor * w; past T it keeps
    decaying. Chain only schedulers that multiply the current rate (LinearLR, ExponentialLR,
    ...): a LambdaLR sets the rate from scratch and overrides the ones before it."""
    import torch

    lr_scheduler = torch.optim.lr_scheduler
    return lr_scheduler.ChainedScheduler(
        [
            lr_scheduler.LinearLR(
                optimizer, start_factor=start_factor, end_factor=1.0, total_iters=warmup_steps
            ),
            lr_scheduler.ExponentialLR(optimizer, gamma=math.exp(-rate / total_steps)),
        ]
    )


def restarts_torch(optimizer, cycle_steps):
    """Cosine decay restarted every C steps (SGDR): dw.weight("cosine", t % C, C, w,
    decay="reversal") at every step, for ever."""
    import torch

    return torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        optimizer, T_0=cycle_steps, eta_min=0.0
    )


def one_cycle_torch(optimizer, total_steps):
    """OneCycleLR(total_steps=T): up, then down to its minimum at step T - 1 (not T); the
    rate rises again at step T, and stepping to T + 1 raises a ValueError."""
    import torch

    max_lr = optimizer.param_groups[0]["lr"]
    return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=max_lr, total_steps=total_steps)


# ===================================================================== PyTorch Lightning
def train_lightning(
    steps, method, total_steps, max_weight, lr_interval="step", batches_per_epoch=4, **params
):
    """Lightning: the loss weight reads self.global_step (optimizer steps done) in
    training_step; the learning rate follows the same curve through a scheduler. Returns
    (weights used, learning rates used), one per step."""
    import pytorch_lightning as pl
    import torch

    class Ramped(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(3, 1)
            self.used, self.rates = [], []

        def training_step(self, batch, batch_idx):  # batch_idx restarts every epoch
            x, y = batch
            w_t = dw.weight(method, self.global_step, total_steps, max_weight, **params)
            task = torch.nn.functional.mse_loss(self.linear(x), y)
            aux = self.linear.weight.pow(2).sum()
            self.used.append(w_t)
            self.rates.append(self.optimizers().param_groups[0]["lr"])
            return task + w_t * aux

        def configure_optimizers(self):
            optimizer = torch.optim.SGD(self.parameters(), lr=0.1)
            config = {"scheduler": any_torch(optimizer, method, total_steps, **params)}
            if lr_interval:  # without it, Lightning steps it per epoch
                config["interval"] = lr_interval
            return {"optimizer": optimizer, "lr_scheduler": config}

    torch.manual_seed(0)
    x, y = map(torch.from_numpy, _toy_regression(n=8 * batches_per_epoch))
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=8)
    module = Ramped()
    trainer = pl.Trainer(
        max_steps=steps,
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(module, loader)
    return module.used, module.rates


# ========================================================================== timm
def cosine_timm(optimizer, total_steps, warmup_steps=0, warmup_prefix=True):
    """timm's CosineLRScheduler per update (t_in_epochs=False): a linear warm-up from 0 over
    k steps, then dw.weight("cosine", t - k, T, w, decay="reversal"); holds 0 past k + T.
    With warmup_prefix=False (timm's default) the cosine counts from step 0, so the warm-up
    eats its first k steps and the rate never reaches w."""
    from timm.scheduler import CosineLRScheduler

    return CosineLRScheduler(
        optimizer,
        t_initial=total_steps,
        lr_min=0.0,
        warmup_t=warmup_steps,
        warmup_lr_init=0.0,
        warmup_prefix=warmup_prefix,
        t_in_epochs=False,
    )


def train_timm(steps, method, total_steps, max_weight, **params):
    """timm has no trainer: its scripts count optimizer updates (num_updates) and call
    lr_scheduler.step_update(num_updates) after each one. The loss weight reads the same
    counter. Returns (weights used, learning rates used), one per step."""
    import torch

    torch.manual_seed(0)
    x, y = map(torch.from_numpy, _toy_regression())
    model = torch.nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    lr_scheduler = cosine_timm(optimizer, total_steps)
    used, rates, num_updates = [], [], 0
    for _ in range(steps):
        w_t = dw.weight(method, num_updates, total_steps, max_weight, **params)
        loss = torch.nn.functional.mse_loss(model(x), y) + w_t * model.weight.pow(2).sum()
        optimizer.zero_grad()
        loss.backward()
        used.append(w_t)
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        num_updates += 1
        lr_scheduler.step_update(num_updates=num_updates)
    return used, rates


# ========================================================================= optax
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


def any_optax(method, total_steps, max_weight, **params):
    """dw.weight(method, t, T, w, **params), jit-safe: the T + 1 values are computed once
    by numpy, and the clamped index holds the last one past T."""
    import jax.numpy as jnp

    values = jnp.asarray(dw.schedule(method, total_steps, max_weight, **params))
    return lambda count: values[jnp.minimum(count, total_steps)]


def linear_optax(total_steps, max_weight):
    """dw.linear(t, T, w), exactly; holds w past T."""
    import optax

    return optax.linear_schedule(init_value=0.0, end_value=max_weight, transition_steps=total_steps)


def cosine_optax(total_steps, max_weight):
    """dw.cosine(t, T, w): w minus optax's cosine decay (a schedule is a function of the
    step, so subtract its value, not the function); holds w past T."""
    import optax

    decay = optax.cosine_decay_schedule(init_value=max_weight, decay_steps=total_steps)
    return lambda count: max_weight - decay(count)


def power_optax(total_steps, max_weight, a):
    """dw.weight("power", t, T, w, a=a, decay="reversal"); holds 0 past T. power has no
    default in optax."""
    import optax

    return optax.polynomial_schedule(
        init_value=max_weight, end_value=0.0, power=a, transition_steps=total_steps
    )


def mirror_optax(total_steps, max_weight, a):
    """w - dw.weight("power", t, T, w, a=a, decay="reversal"): NOT the power ramp; holds w."""
    import optax

    return optax.polynomial_schedule(
        init_value=0.0, end_value=max_weight, power=a, transition_steps=total_steps
    )


def geometric_optax(total_steps, max_weight, rate):
    """dw.weight("exponential", t, T, w, decay="complement", rate=rate); end_value makes
    it hold past T (without it, it keeps decaying)."""
    import optax

    return optax.exponential_decay(
        init_value=max_weight,
        transition_steps=total_steps,
        decay_rate=math.exp(-rate),
        end_value=max_weight * math.exp(-rate),
    )


def warmup_cosine_optax(warmup_steps, total_steps, max_weight):
    """join_schedules: dw.linear(t, k, w) up to k, then dw.weight("cosine", t - k, N - k, w,
    decay="reversal"); holds 0 past N. It equals optax.warmup_cosine_decay_schedule(0, w, k, N),
    whose decay_steps N counts the warm-up too."""
    import optax

    return optax.join_schedules(
        [
            optax.linear_schedule(0.0, max_weight, warmup_steps),
            optax.cosine_decay_schedule(max_weight, total_steps - warmup_steps),
        ],
        boundaries=[warmup_steps],
    )


def rates_optax(schedule, steps):
    """inject_hyperparams makes the learning rate part of the optimizer state, so it can be
    read: after each update, opt_state.hyperparams["learning_rate"] is the rate it used."""
    import jax.numpy as jnp
    import optax

    optimizer = optax.inject_hyperparams(optax.sgd)(learning_rate=schedule)
    params_ = jnp.zeros(3)
    opt_state = optimizer.init(params_)
    rates = []
    for _ in range(steps):
        updates, opt_state = optimizer.update(jnp.ones(3), opt_state, params_)
        params_ = params_ + updates
        rates.append(float(opt_state.hyperparams["learning_rate"]))
    return rates


# ================================================================== Hugging Face
def train_hf(steps, method, total_steps, max_weight, output_dir, eval_steps=None, **params):
    """Hugging Face Trainer: override compute_loss and read the global step (the number
    of optimizer steps done) from the trainer state. compute_loss also runs in evaluation,
    so the auxiliary term is added in training only. A tiny BERT built from a config:
    nothing is downloaded."""
    import torch
    from transformers import Trainer, TrainingArguments

    class RampedTrainer(Trainer):
        def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
            outputs = model(**inputs)
            loss = outputs.loss
            if model.training:  # not in evaluate() or predict()
                w_t = dw.weight(method, self.state.global_step, total_steps, max_weight, **params)
                aux = outputs.logits.pow(2).mean()  # e.g. a penalty on the logits
                loss = loss + w_t * aux
                self.used.append(w_t)
            return (loss, outputs) if return_outputs else loss

    torch.manual_seed(0)
    model = _tiny_bert()
    rng = np.random.default_rng(0)
    data = [
        {"input_ids": torch.tensor(rng.integers(1, 32, size=8)), "labels": torch.tensor(i % 2)}
        for i in range(16)
    ]
    args = TrainingArguments(
        output_dir=output_dir,
        max_steps=steps,
        per_device_train_batch_size=4,
        learning_rate=1e-3,
        lr_scheduler_type="constant",
        use_cpu=True,
        report_to="none",
        save_strategy="no",
        logging_strategy="no",
        eval_strategy="steps" if eval_steps else "no",
        eval_steps=eval_steps,
        disable_tqdm=True,
        seed=0,
    )
    trainer = RampedTrainer(model=model, args=args, train_dataset=data, eval_dataset=data[:4])
    trainer.used = []  # the weight each training step's loss used
    trainer.train()
    return trainer.used


def _tiny_bert():
    """A two-class BERT of one small layer, built from a config (random weights, nothing
    downloaded): enough for a Trainer to run on the CPU in a test."""
    from transformers import BertConfig, BertForSequenceClassification

    return BertForSequenceClassification(BertConfig(
        vocab_size=32,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=16,
        num_labels=2,
    ))


def linear_hf(optimizer, total_steps):
    """dw.weight("linear", t, T, w, decay="reversal"); holds 0 past T."""
    from transformers import get_linear_schedule_with_warmup

    return get_linear_schedule_with_warmup(
        optimizer, num_warmup_steps=0, num_training_steps=total_steps
    )


def cosine_hf(optimizer, total_steps):
    """dw.weight("cosine", t, T, w, decay="reversal") up to T; past T it rises again."""
    from transformers import get_cosine_schedule_with_warmup

    return get_cosine_schedule_with_warmup(
        optimizer, num_warmup_steps=0, num_training_steps=total_steps
    )


def power_hf(optimizer, total_steps, a):
    """dw.weight("power", t, T, w, a=a, decay="reversal"); holds 0 past T.
    lr_end=0.0 is needed: its default is 1e-7."""
    from transformers import get_polynomial_decay_schedule_with_warmup

    return get_polynomial_decay_schedule_with_warmup(
        optimizer, num_warmup_steps=0, num_training_steps=total_steps, lr_end=0.0, power=a
    )


def warmup_hf(optimizer, warmup_steps):
    """dw.linear(t, k, w), exactly; holds w past k."""
    from transformers import get_constant_schedule_with_warmup

    return get_constant_schedule_with_warmup(optimizer, num_warmup_steps=warmup_steps)


def by_name_hf(name, optimizer, warmup_steps, total_steps, **specific):
    """get_scheduler builds a schedule from the name that TrainingArguments(lr_scheduler_type=...)
    takes: "linear", "cosine", "constant_with_warmup", "warmup_stable_decay", ...; extra
    arguments go in scheduler_specific_kwargs."""
    from transformers import get_scheduler

    return get_scheduler(
        name,
        optimizer,
        num_warmup_steps=warmup_steps,
        num_training_steps=total_steps,
        scheduler_specific_kwargs=specific,
    )


def wsd_hf(optimizer, warmup_steps, stable_steps, decay_steps):
    """Warm-up, stable, decay: dw.cosine(t, k) * dw.weight("cosine", max(t - k - s, 0), d,
    decay="reversal") times w, and 0 past k + s + d (min_lr_ratio=0)."""
    from transformers import get_wsd_schedule

    return get_wsd_schedule(
        optimizer,
        num_warmup_steps=warmup_steps,
        num_stable_steps=stable_steps,
        num_decay_steps=decay_steps,
        warmup_type="cosine",
        decay_type="cosine",
    )


def plateau_hf(optimizer):
    """get_reduce_on_plateau_schedule returns a ReduceLROnPlateau, not a LambdaLR: it is
    stepped with a metric, scheduler.step(eval_loss), and multiplies the rate by factor after
    more than patience evaluations without improvement. No dynweights curve: the metric sets it."""
    from transformers import get_reduce_on_plateau_schedule

    return get_reduce_on_plateau_schedule(optimizer, factor=0.5, patience=1)


# ========================================================================= Keras
def _keras():
    """Keras 3 on the JAX backend (the backend must be chosen before the first import)."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    return keras


def _fit_toy(keras, model_class, steps, steps_per_execution, callbacks=()):
    """Fit model_class([Input, Dense(1)]) by SGD for `steps` batches of 8 of the toy
    regression, one epoch, seeded; return the model."""
    keras.utils.set_random_seed(0)
    x, y = _toy_regression(n=8 * steps)
    model = model_class([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1),
        loss="mse",
        steps_per_execution=steps_per_execution,
    )
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=list(callbacks))
    return model


def train_keras(steps, method, total_steps, max_weight, steps_per_execution=1, **params):
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
            self.step = 0  # a global step: never reset per epoch

        def on_train_batch_begin(self, batch, logs=None):
            self.model.aux_weight.assign(
                dw.weight(method, self.step, total_steps, max_weight, **params)
            )
            self.step += 1

    used = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            used.append(float(logs["aux_weight"]))

    _fit_toy(keras, RampedModel, steps, steps_per_execution, [RampWeight(), Record()])
    return used


def train_keras_in_step(steps, method, total_steps, max_weight, steps_per_execution=1, **params):
    """Keras 3 without a callback: the model owns a step counter, and compute_loss looks the
    weight up in the precomputed schedule at that step, inside the compiled train step. The
    weight changes at every step, whatever steps_per_execution, with no state sync. The
    weight each step's loss used is recorded inside the compiled step too."""
    keras = _keras()
    values = keras.ops.convert_to_tensor(
        dw.schedule(method, total_steps, max_weight, **params), dtype="float32"
    )

    class RampedModel(keras.Sequential):
        def __init__(self, layers):
            super().__init__(layers)
            self.step = keras.Variable(0, dtype="int32", trainable=False, name="step")
            self.weights_used = keras.Variable(np.zeros(steps, np.float32), trainable=False)

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            loss = super().compute_loss(x, y, y_pred, sample_weight, training)
            if training:  # evaluate() calls it too
                w_t = keras.ops.take(values, keras.ops.minimum(self.step, total_steps))
                loss = loss + w_t * keras.ops.sum(self.layers[0].kernel ** 2)
                self.weights_used.assign(
                    keras.ops.scatter_update(
                        self.weights_used,
                        keras.ops.reshape(self.step, (1, 1)),
                        keras.ops.reshape(w_t, (1,)),
                    )
                )
                self.step.assign_add(1)
            return loss

    model = _fit_toy(keras, RampedModel, steps, steps_per_execution)
    return [float(v) for v in keras.ops.convert_to_numpy(model.weights_used)]


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

    def loss(y_true, y_pred):  # its value is the weight it used
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


def any_keras(method, total_steps, max_weight, **params):
    """dw.weight(method, t, T, w, **params) per step, as a LearningRateSchedule (a table
    lookup, so it works inside Keras's compiled train step); holds past T."""
    keras = _keras()

    class DynweightsSchedule(keras.optimizers.schedules.LearningRateSchedule):
        def __init__(self):
            self.values = keras.ops.convert_to_tensor(
                dw.schedule(method, total_steps, max_weight, **params), dtype="float32"
            )

        def __call__(self, step):
            return keras.ops.take(self.values, keras.ops.minimum(step, total_steps))

    return DynweightsSchedule()


def any_keras_callable(method, total_steps, max_weight, **params):
    """The same curve as a no-argument callable: an optimizer whose learning rate reads its
    own step counter (a variable in the compiled step's state), so no subclass is needed."""
    keras = _keras()
    values = keras.ops.convert_to_tensor(
        dw.schedule(method, total_steps, max_weight, **params), dtype="float32"
    )
    optimizer = keras.optimizers.SGD()
    optimizer.learning_rate = lambda: keras.ops.take(
        values, keras.ops.minimum(optimizer.iterations, total_steps)
    )
    return optimizer


def any_keras_callback(method, total_steps, max_weight, **params):
    """The same curve set from a per-batch callback: the optimizer's learning rate is a
    variable it owns, so assigning it before each batch works (with a state sync per batch,
    and once per steps_per_execution batches)."""
    keras = _keras()

    class SetRate(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.step = 0

        def on_train_batch_begin(self, batch, logs=None):
            self.model.optimizer.learning_rate = dw.weight(
                method, self.step, total_steps, max_weight, **params
            )
            self.step += 1

    return SetRate()


def linear_keras(total_steps, max_weight):
    """dw.linear(t, T, w), exactly, per step; holds w past T."""
    keras = _keras()
    return keras.optimizers.schedules.PolynomialDecay(
        initial_learning_rate=0.0, decay_steps=total_steps, end_learning_rate=max_weight, power=1.0
    )


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


def power_keras(total_steps, max_weight, a):
    """dw.weight("power", t, T, w, a=a, decay="reversal"); holds 0 past T.
    end_learning_rate=0.0 is needed: its default is 1e-4."""
    keras = _keras()
    return keras.optimizers.schedules.PolynomialDecay(
        initial_learning_rate=max_weight, decay_steps=total_steps, end_learning_rate=0.0, power=a
    )


def mirror_keras(total_steps, max_weight, a):
    """w - dw.weight("power", t, T, w, a=a, decay="reversal"): NOT the power ramp; holds w."""
    keras = _keras()
    return keras.optimizers.schedules.PolynomialDecay(
        initial_learning_rate=0.0, decay_steps=total_steps, end_learning_rate=max_weight, power=a
    )


def geometric_keras(total_steps, max_weight, rate):
    """dw.weight("exponential", t, T, w, decay="complement", rate=rate) up to T;
    past T it keeps decaying."""
    keras = _keras()
    return keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate=max_weight, decay_steps=total_steps, decay_rate=math.exp(-rate)
    )


def warmup_cosine_keras(warmup_steps, total_steps, max_weight):
    """CosineDecay(warmup_target=w): dw.linear(t, k, w) up to k, then dw.weight("cosine",
    t - k, N - k, w, decay="reversal"); holds 0 past N. decay_steps counts after the warm-up."""
    keras = _keras()
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0,
        decay_steps=total_steps - warmup_steps,
        warmup_target=max_weight,
        warmup_steps=warmup_steps,
    )


def restarts_keras(cycle_steps, max_weight):
    """CosineDecayRestarts with t_mul=1: dw.weight("cosine", t % C, C, w, decay="reversal"),
    like PyTorch's CosineAnnealingWarmRestarts. Its default t_mul=2.0 doubles every cycle."""
    keras = _keras()
    return keras.optimizers.schedules.CosineDecayRestarts(
        initial_learning_rate=max_weight, first_decay_steps=cycle_steps, t_mul=1.0, m_mul=1.0
    )
