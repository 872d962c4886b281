"""Shared pytest hooks."""


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
