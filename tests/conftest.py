import pathlib
import resource
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
# runs), and the CPU seconds it used with the processes it waited for (a
# kernel build's compilers included), printed at the end of every run.
# .ci/run's budget is read from these lines: with two workers, wall times
# overlap and CPU times show what the two cores had to do.
PHASES = (("runtime", "QEMU boots (marker runtime)"),
          ("kernel", "real kernel base (marker kernel)"),
          ("", "unit and fixtures"))
_seconds = {}
_cpu_seconds = {}


def _cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    waited = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + waited.ru_utime + waited.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item):
    item.stash[_CPU_MARK] = _cpu()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item):
    report = (yield).get_result()
    now = _cpu()
    report.user_properties.append(("cpu", now - item.stash[_CPU_MARK]))
    item.stash[_CPU_MARK] = now


_CPU_MARK = pytest.StashKey[float]()


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
    cpu = sum(v for k, v in report.user_properties if k == "cpu")
    _cpu_seconds[phase] = _cpu_seconds.get(phase, 0.0) + cpu


def pytest_terminal_summary(terminalreporter):
    if not _seconds:
        return
    terminalreporter.write_line("phase times:")
    for marker, label in PHASES:
        if marker in _seconds:
            terminalreporter.write_line(f"  {label:34s} {_seconds[marker]:7.1f} s, "
                                        f"CPU {_cpu_seconds[marker]:7.1f} s")
