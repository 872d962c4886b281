"""Speed of dynweights against a per-step Python loop and the bare numpy expression.

Run with `make bench` (= `.venv/bin/python benchmarks/bench.py`). Prints a table and
whether the targets of the README are met; asserts nothing (timings are noisy).

Every method in dw.METHODS, with w = 0.7 (a weight a user would pick, so that the factor
w is part of every expression):

- loop:     the source post's way: a Python function of one step (a lambda per method,
            numpy scalar math: np.cos, np.exp), called for each step of np.arange(T + 1).
            The post has the four basic ramps; the other four are written the same way.
- math loop: the same loop over Python ints with `math` functions, the fastest per-step
            Python variant (shown for a conservative ratio; the target uses `loop`).
- schedule: `dw.schedule(m, T, w)` (validation included).
- bare:     the formula as a user writes it, one numpy expression over
            t = np.arange(T + 1), w included, no checks: `w * t / T`, `w * (t / T) ** a`,
            `w * (1 - np.exp(-t / (T / rate)))`, ... (the floor `schedule` is measured against).
Each time is the best of several repeats (timeit; garbage collection off while timing),
measured as CPU time of this process (time.process_time), so that other programs
competing for the CPU inflate it less than wall-clock time (numpy's elementwise
operations run on one thread, so CPU time is the time of the computation). glibc's
allocator is warmed up first (see `allocator_warm_up`); the cold cost is printed too.
"""

import functools
import math
import os
import platform
import sys
import time
import timeit
from pathlib import Path

import numpy as np

try:
    import resource  # POSIX only: the page-fault count of the memory note
except ImportError:  # Windows
    resource = None

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository's module
import dynweights as dw  # noqa: E402

METHODS = dw.METHODS
W = 0.7
TOTALS = (10_000, 1_000_000)
REPEATS = 7
TARGET_LOOP = 50.0    # schedule at least this many times faster than the loop at T = 1e6
TARGET_BARE = 1.2     # schedule at most this many times slower than the bare expression
LOOP_BUDGET = 1.0     # seconds per loop measurement before timing a subset instead
CLOCK = time.process_time


def post_function(method):
    """The source post's per-step functions (its `_get_function_dynamic_weight_method`),
    and the other methods written in the same style."""
    if method == "linear":
        return lambda step, total_steps, base_weight: base_weight * (step / total_steps)
    elif method == "cosine":
        return lambda step, total_steps, base_weight: (
            base_weight / 2 * (1 - np.cos(np.pi * step / total_steps)))
    elif method == "power":
        return lambda step, total_steps, base_weight, a=2: (
            base_weight * ((step / total_steps) ** a))
    elif method == "exponential":
        return lambda step, total_steps, base_weight: (
            base_weight * (1 - np.exp(-step / (total_steps / 4))))
    # not in the post: the same style for the other ramps
    elif method == "normalized_exponential":
        return lambda step, total_steps, base_weight: (
            base_weight * (1 - np.exp(-4 * step / total_steps)) / (1 - np.exp(-4)))
    elif method == "sigmoid":
        return lambda step, total_steps, base_weight: (
            base_weight * np.exp(-5 * (1 - step / total_steps) ** 2))
    elif method == "logistic":
        return lambda step, total_steps, base_weight: (
            base_weight * (2 / (1 + np.exp(-10 * step / total_steps)) - 1))
    elif method == "cyclical":
        return lambda step, total_steps, base_weight: (
            base_weight * min(cycle_position(step, total_steps) / 0.5, 1))
    raise ValueError(f"Unknown method: {method}")


def cycle_position(step, total_steps, cycles=4):
    """Position in the current cycle, in [0, 1]; step T is the end of the last cycle."""
    u = cycles * step / total_steps
    return u - min(math.floor(u), cycles - 1)


def loop(method, T, n):
    """The source post's loop over the first ``n`` of the T + 1 steps."""
    weight_func = post_function(method)
    steps = np.arange(T + 1)[:n]
    if method == "power":
        return [weight_func(step, T, W, 2) for step in steps]
    return [weight_func(step, T, W) for step in steps]


def dynamic_weight(step, total_steps, max_weight=1.0, method="linear", a=2):
    """One step with `math` scalar math (the math loop)."""
    p = step / total_steps
    if method == "linear":
        return max_weight * step / total_steps
    elif method == "cosine":
        return max_weight * (1 - math.cos(math.pi * step / total_steps)) / 2
    elif method == "power":
        return max_weight * (step / total_steps) ** a
    elif method == "exponential":
        return max_weight * (1 - math.exp(-step / (total_steps / 4)))
    elif method == "normalized_exponential":
        return max_weight * (1 - math.exp(-4 * p)) / (1 - math.exp(-4))
    elif method == "sigmoid":
        return max_weight * math.exp(-5 * (1 - p) ** 2)
    elif method == "logistic":
        return max_weight * (2 / (1 + math.exp(-10 * p)) - 1)
    elif method == "cyclical":
        return max_weight * min(cycle_position(step, total_steps) / 0.5, 1)
    raise ValueError(f"Unknown method: {method}")


def math_loop(method, T, n):
    return [dynamic_weight(t, T, W, method=method) for t in range(n)]


def _cyclical_bare(T, w, cycles=4, ratio=0.5):
    u = cycles * np.arange(T + 1) / T
    return w * np.minimum((u - np.minimum(np.floor(u), cycles - 1)) / ratio, 1)


# The bare numpy expressions, as a user would type them (w included, default parameters).
BARE = {
    "linear": lambda T, w: w * np.arange(T + 1) / T,
    "cosine": lambda T, w: w * (1 - np.cos(np.pi * np.arange(T + 1) / T)) / 2,
    "power": lambda T, w, a=2.0: w * (np.arange(T + 1) / T) ** a,
    "exponential": lambda T, w, rate=4.0: w * (1 - np.exp(-np.arange(T + 1) / (T / rate))),
    "normalized_exponential": lambda T, w, rate=4.0: (
        w * (1 - np.exp(-rate * np.arange(T + 1) / T)) / (1 - np.exp(-rate))),
    "sigmoid": lambda T, w: w * np.exp(-5 * (1 - np.arange(T + 1) / T) ** 2),
    "logistic": lambda T, w: w * (2 / (1 + np.exp(-10 * np.arange(T + 1) / T)) - 1),
    "cyclical": _cyclical_bare,
}


def best(fn, number, repeats=REPEATS):
    """Best time of one call of ``fn`` over ``repeats`` runs of ``number`` calls."""
    return min(timeit.repeat(fn, number=number, repeat=repeats, timer=CLOCK)) / number


def calls_for(fn, seconds=0.04):
    """How many calls of ``fn`` take about ``seconds`` (at least 1)."""
    t0 = CLOCK()
    fn()
    once = max(CLOCK() - t0, 1e-7)
    return max(1, int(seconds / once))


def time_loop(run, method, T):
    """(seconds for all T + 1 steps, number of steps actually timed) of ``run``."""
    probe = min(T + 1, 20_000)
    per_step = best(lambda: run(method, T, probe), 1, 2) / probe
    repeats = 3
    n = T + 1
    if per_step * n * repeats > LOOP_BUDGET:
        n = max(probe, int(LOOP_BUDGET / repeats / per_step))
    return best(lambda: run(method, T, n), 1, repeats) * (T + 1) / n, n


def minor_faults():
    """This process's minor page faults so far; 0 where the OS does not count them."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt if resource else 0


def allocator_warm_up():
    """(seconds, page faults) of a cold `schedule` at the largest T; then warm glibc up.

    glibc returns freed blocks above its mmap threshold to the OS, so while the threshold
    is low every multi-MB numpy array is fresh memory and pays first-touch page faults
    (milliseconds at T = 1e6 on a VM). Freeing one mmapped block raises the thresholds
    (up to 32 MB), after which freed arrays are kept and reused: the steady state of any
    long-running process, and the same for `schedule` and the bare expression.
    """
    T = max(TOTALS)
    before = minor_faults()
    cold = best(lambda: dw.schedule("linear", T), 5)
    faults = (minor_faults() - before) / (5 * REPEATS)
    block = np.ones(24 * 2**20 // 8)
    del block
    return cold, faults


def fmt_time(seconds):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:7.2f} {unit:2}"
    return f"{seconds / 1e-9:7.2f} ns"


def check_bare_matches():
    """The bare expressions compute the same numbers as `schedule` (else the ratio is moot)."""
    for m in METHODS:
        np.testing.assert_allclose(BARE[m](1000, W), dw.schedule(m, 1000, W), rtol=0,
                                   atol=1e-12)
        for run in (loop, math_loop):
            np.testing.assert_allclose(run(m, 1000, 1001), dw.schedule(m, 1000, W),
                                       rtol=0, atol=1e-12)


def main():
    check_bare_matches()
    print(f"dynweights {dw.__version__} benchmark: numpy {np.__version__}, "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs "
          f"({platform.machine()}); CPU time, best of {REPEATS} repeats (loops: best of 3)")
    print(f"w = {W} throughout\n"
          "loop      = the source post's per-step lambda (numpy scalar math) over "
          "np.arange(T + 1)\n"
          "            (the post has the four basic ramps; the others are written alike)\n"
          "math loop = the same per step with `math` and Python ints (fastest pure Python)\n"
          "bare      = the formula as a user types it, one numpy expression with w, no checks\n")
    cold, cold_faults = allocator_warm_up()
    faults = f"{cold_faults:.0f}" if resource else "(not counted on this OS)"
    print(f"Memory: before warm-up, dw.schedule('linear', {max(TOTALS):g}) took "
          f"{fmt_time(cold).strip()} with {faults} page faults per call (glibc gave "
          "each\nfreed 8 MB array back to the OS, so every new one was fresh memory); one "
          "24 MB array allocated\nand freed first raises glibc's thresholds so that freed "
          "arrays are reused, for schedule and bare alike.\n")
    header = (f"{'T':>9}  {'method':<22} {'loop':>11} {'math loop':>11} {'schedule':>10}"
              f"  {'bare numpy':>10}  {'loop/sched':>10} {'math/sched':>10} {'sched/bare':>10}")
    print(header)
    print("-" * len(header))
    rows, notes = [], []
    for T in TOTALS:
        for m in METHODS:
            t_loop, n = time_loop(loop, m, T)
            t_math, n_math = time_loop(math_loop, m, T)
            sched = functools.partial(dw.schedule, m, T, W)
            bare = functools.partial(BARE[m], T, W)
            # interleave the two so that a load spike on the machine hits both alike
            number = calls_for(bare)
            t_sched, t_bare = math.inf, math.inf
            for _ in range(REPEATS):
                t_sched = min(t_sched, best(sched, number, 1))
                t_bare = min(t_bare, best(bare, number, 1))
            marks = []
            for label, k in (("loop", n), ("math loop", n_math)):
                marks.append("*" if k < T + 1 else " ")
                if k < T + 1:
                    notes.append(f"* {label} for {m} at T={T:g}: timed on the first {k} steps "
                                 f"and scaled by (T + 1) / {k} = {(T + 1) / k:.2f}")
            rows.append((T, m, t_loop / t_sched, t_sched / t_bare))
            print(f"{T:>9}  {m:<22} {fmt_time(t_loop)}{marks[0]} {fmt_time(t_math)}{marks[1]} "
                  f"{fmt_time(t_sched)}  {fmt_time(t_bare)}  {t_loop / t_sched:9.1f}x "
                  f"{t_math / t_sched:9.1f}x {t_sched / t_bare:9.2f}x")
    for note in notes:
        print(note)

    # The exponential: dynweights computes 1 - exp(-x) as -expm1(-x) (accurate near
    # t = 0), and numpy's expm1 is slower than its exp; in-place steps make up for it.
    T = max(TOTALS)
    x = -4.0 * (np.arange(T + 1) / T)
    number = calls_for(lambda: np.expm1(x))
    t_exp = t_expm1 = math.inf
    for _ in range(REPEATS):
        t_exp = min(t_exp, best(lambda: np.exp(x), number, 1))
        t_expm1 = min(t_expm1, best(lambda: np.expm1(x), number, 1))
    print(f"\nexponential at T={T:g}: np.exp {fmt_time(t_exp)}, np.expm1 {fmt_time(t_expm1)} "
          f"({t_expm1 / t_exp:.2f}x): the price of expm1's accuracy near t = 0, which "
          "schedule pays\nand still stays within the target, computing in place")

    # scalar calls
    t, T, w = 250, 1000, 0.5
    env = {"dw": dw, "math": math, "cos": math.cos, "pi": math.pi, "t": t, "T": T, "w": w}
    stmts = {
        'dw.weight("cosine", t, T, w)': 'dw.weight("cosine", t, T, w)',
        "dw.cosine(t, T, w)": "dw.cosine(t, T, w)",
        "inline math": "w * (1 - cos(pi * t / T)) / 2",
    }
    print(f"\nScalar calls (t={t}, T={T}, w={w}); best of {REPEATS} repeats")
    times = {}
    for label, stmt in stmts.items():
        timer = timeit.Timer(stmt, globals=env, timer=CLOCK)
        number = max(1, timer.autorange()[0] // 4)
        times[label] = min(timer.repeat(REPEATS, number)) / number
        print(f"  {label:<30} {fmt_time(times[label])}")
    inline = times["inline math"]
    print(f"  ratio dw.weight / inline = {times[list(stmts)[0]] / inline:.1f}x, "
          f"dw.cosine / inline = {times['dw.cosine(t, T, w)'] / inline:.1f}x "
          "(validation of every argument; no target)")

    # targets, at the largest T
    big = [row for row in rows if row[0] == max(TOTALS)]
    worst_loop = min(big, key=lambda row: row[2])
    worst_bare = max(big, key=lambda row: row[3])
    ok_loop = worst_loop[2] >= TARGET_LOOP
    ok_bare = worst_bare[3] <= TARGET_BARE
    print(f"\nTargets at T={max(TOTALS):g}, w={W}, every method in dw.METHODS")
    print(f"  schedule >= {TARGET_LOOP:g}x faster than the loop: "
          f"{'met' if ok_loop else 'NOT met'} (lowest {worst_loop[2]:.1f}x, {worst_loop[1]})")
    print(f"  schedule within {TARGET_BARE:g}x of the bare numpy expression: "
          f"{'met' if ok_bare else 'NOT met'} (highest {worst_bare[3]:.2f}x, {worst_bare[1]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
