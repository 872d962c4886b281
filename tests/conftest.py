"""Shared pytest hooks and the hypothesis profiles.

Hypothesis profiles (the property tests in tests/test_dynweights.py take their example
counts from these; no test sets its own):

- ``default``: 300 examples per property test, a new random seed each run (locally).
- ``ci``: the same 300 examples, derandomized (the seed is derived from each test, so a
  CI run is reproducible); chosen automatically when the environment variable CI is set.
- ``thorough``: 50x the examples (15000 per property test), random; run it with
  ``make test-thorough``.

``HYPOTHESIS_PROFILE=<name>`` picks a profile explicitly and wins over CI.
"""

import os
import shutil

from hypothesis import HealthCheck, settings

# What a test that copies the repository (Binder, browser) leaves behind.
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "__pycache__", ".ipynb_checkpoints", "*.egg-info",
    ".pytest_cache", ".hypothesis", "build", "dist")


def report(request, text):
    """Report a line (paths, timings) in the "dynweights report" section of pytest's
    summary (`pytest_terminal_summary` below).

    A test's lines travel in its report's user_properties, so they reach the summary
    from pytest-xdist workers too; a fixture's line is printed at once, pytest's output
    capture suspended.
    """
    if hasattr(request.node, "user_properties"):
        request.node.user_properties.append(("dynweights-report", text))
        return
    capman = request.config.pluginmanager.getplugin("capturemanager")
    with capman.global_and_fixture_disabled():
        print(text, flush=True)

EXAMPLES = 300
# deadline=None: a schedule of 2000 steps, or a first call that imports numpy's
# internals, may take longer than hypothesis's 200 ms default on a loaded machine.
settings.register_profile("default", max_examples=EXAMPLES, deadline=None)
settings.register_profile("ci", max_examples=EXAMPLES, deadline=None, derandomize=True,
                          database=None, print_blob=True)
settings.register_profile("thorough", max_examples=50 * EXAMPLES, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
settings.load_profile(PROFILE)


def pytest_report_header(config):
    chosen = settings.get_profile(PROFILE)
    seed = "derandomized" if chosen.derandomize else "random seed"
    return (f"hypothesis profile: {PROFILE!r} ({chosen.max_examples} examples per "
            f"property test, {seed})")


def pytest_terminal_summary(terminalreporter):
    """Print what the tests reported for a human (tests/test_browser.py: screenshot paths,
    slider latency), once each, after the run; this works under pytest-xdist as well."""
    lines = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, text in getattr(report, "user_properties", ()):
                if name == "dynweights-report" and text not in lines:
                    lines.append(text)
    if lines:
        terminalreporter.section("dynweights report")
        for text in lines:
            terminalreporter.write_line(text.strip("\n"))
