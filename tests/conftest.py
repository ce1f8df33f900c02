import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache of the test's own (IPM_CACHE)."""
    c = tmp_path / "cache"
    monkeypatch.setenv("IPM_CACHE", str(c))
    return c


@pytest.fixture(autouse=True)
def _no_stray_workers(request):
    """After each test, the tool's processes still working in its tmp_path
    are stopped: a run the test SIGKILLed leaves spatch -j's workers, which
    the tool's next run on that tree would stop, but nothing runs next."""
    yield
    tmp = request.node.funcargs.get("tmp_path")
    if tmp is not None:
        from ipm import procs
        procs.kill_strays(tmp)


# Phase times: the seconds each kind of test took (setup, call and teardown,
# so a session fixture that fetches or builds is counted where it first
# runs), printed at the end of every run.  .ci/run's budget is read from
# these lines.
PHASES = (("runtime", "QEMU boots (marker runtime)"),
          ("kernel", "real kernel base (marker kernel)"),
          ("", "unit and fixtures"))
_seconds = {}


def pytest_collection_modifyitems(items):
    """Files with QEMU boots first, then those on the real kernel base, then
    the rest (stable within each group): with 'pytest -n 2 --dist loadfile'
    (make test) the two longest files start at once instead of last."""
    rank = {}
    for item in items:
        r = next(i for i, (m, _) in enumerate(PHASES)
                 if not m or item.get_closest_marker(m))
        rank[item.fspath] = min(rank.get(item.fspath, r), r)
    items.sort(key=lambda item: rank[item.fspath])


def pytest_runtest_logreport(report):
    # report.keywords holds the test's marker names; it also reaches the
    # controller of a 'pytest -n N' run, where no item is collected.
    phase = next(m for m, _ in PHASES if not m or m in report.keywords)
    _seconds[phase] = _seconds.get(phase, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter):
    if not _seconds:
        return
    terminalreporter.write_line("phase times:")
    for marker, label in PHASES:
        if marker in _seconds:
            terminalreporter.write_line(f"  {label:34s} {_seconds[marker]:7.1f} s")
