"""SIGINT and SIGTERM against every command that works on a tree (issue
18): the children the tool started are stopped and reaped before any
cleanup, the user sees one line and exit 130, never a traceback, and the
tree is as it was.

The moment is made certain rather than random: the signal is sent while a
child of the tool runs (a spatch whose worker keeps writing into the
stage, a make whose recipe runs), found by a file that child writes."""

import os
import pathlib
import shutil
import signal
import subprocess
import time

import pytest

from faketree import (make_project, make_series_tree, series_steps, sources, tool_argv,
                      tree_hash, wait_replaced)
from ipm.errors import EXIT_INTERRUPTED

PYTHON = "/usr/bin/python3"
SIGNALS = [signal.SIGINT, signal.SIGTERM]

# A spatch whose -j worker outlives its parent, as spatch's workers and
# make's compilers can: the worker keeps creating and removing files in
# its working directory (the stage) for 60 s.  It writes its pid to
# $IPM_TEST_WORKER once it runs.
FAKE_SPATCH = f"""#!{PYTHON}
import os, sys, time
only = os.environ.get("IPM_TEST_WORKER_IN", "")
if only not in os.getcwd():
    os.execv("/usr/bin/spatch", ["spatch", *sys.argv[1:]])
if os.fork() == 0:
    mark = os.environ["IPM_TEST_WORKER"]
    with open(mark + ".tmp", "w") as f:
        f.write(str(os.getpid()))
    os.rename(mark + ".tmp", mark)
    end, i = time.time() + 60, 0
    while time.time() < end:
        try:
            open(f"out.{{i}}", "w").close()
            if i >= 20:
                os.unlink(f"out.{{i - 20}}")
        except OSError:
            pass
        i += 1
    os._exit(0)
os.wait()
"""

# A kernel Makefile whose config targets take a minute (verify's first
# make child); the recipe's shell writes its pid to $IPM_TEST_WORKER.
SLOW_MAKEFILE = """VERSION = 6
PATCHLEVEL = 12
SUBLEVEL = 0
Makefile: ;
%config:
\techo $$$$ > "$$IPM_TEST_WORKER.tmp"; mv "$$IPM_TEST_WORKER.tmp" "$$IPM_TEST_WORKER"; sleep 60
"""


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    base = tmp_path_factory.mktemp("signals")
    p = make_project(base / "proj", series_steps(), extra=("Makefile", "check", "kconfig"))
    fake = base / "bin"
    fake.mkdir()
    (fake / "spatch").write_text(FAKE_SPATCH)
    (fake / "spatch").chmod(0o755)
    return p, fake


def start(proj, *args, env=None, pause=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.Popen(tool_argv(proj, *args, pause=pause), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=e,
                            start_new_session=True)


def wait_file(path, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return int(path.read_text())
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"exited {proc.returncode} first: {out}{err}")
        time.sleep(0.02)
    raise AssertionError(f"{path} never appeared")


def running(pid):
    """Is PID a live process (a zombie does not count)?"""
    if pid < 0:
        return False
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] != "Z"


def interrupted_cleanly(proc, sig, worker, progress_on_stderr=False):
    """PROC got SIG while its child WORKER ran (-1: none): one line, exit
    130, no child left running.  PROGRESS_ON_STDERR: stderr also holds the
    progress lines (dry-run --format series), the error is its last."""
    proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    alive = running(worker)
    if alive:
        os.kill(worker, signal.SIGKILL)
    assert "Traceback" not in err, err
    assert proc.returncode == EXIT_INTERRUPTED, (proc.returncode, err)
    lines = err.splitlines()
    if progress_on_stderr:
        lines = lines[-1:]
        assert not [l for l in err.splitlines()[:-1] if "error" in l], err
    assert lines == [f"apply-series: error: interrupted by {sig.name}"], err
    assert not alive, "a child of the tool still runs after it exited"
    return out


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
@pytest.mark.parametrize("cmd", [["apply"], ["dry-run"], ["dry-run", "--format", "series"],
                                 ["series"]], ids=" ".join)
def test_signal_while_a_spatch_worker_writes(tmp_path, cache, proj, cmd, sig):
    """Issue 18.1 (seed 416955 run 7): a signal while spatch runs during
    base detection; its worker still wrote into the stage when the
    stage's TemporaryDirectory was removed (ENOTEMPTY, a traceback, exit 1)."""
    proj, fake = proj
    tree = make_series_tree(tmp_path / "linux")
    for git in (["init", "-q"], ["add", "-A"],
                ["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "base"]):
        subprocess.run(["git", "-C", str(tree), *git], check=True)
    before = tree_hash(tree)
    mark = tmp_path / "worker"
    env = {"PATH": f"{fake}:{os.environ['PATH']}", "IPM_TEST_WORKER": str(mark)}
    args = [cmd[0], tree, *cmd[1:]]
    if cmd == ["series"]:
        args += ["--out", tmp_path / "out"]
    proc = start(proj, *args, env=env)
    worker = wait_file(mark, proc)
    time.sleep(0.3)                      # the worker is busy in the stage
    interrupted_cleanly(proc, sig, worker, progress_on_stderr="--format" in cmd)
    assert tree_hash(tree) == before
    assert not list((cache / "tmp").glob("resume.*")), "stage left behind"


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_signal_while_verify_runs_make(tmp_path, cache, proj, sig):
    """verify's first make child (defconfig) is stopped with its recipe."""
    proj, _ = proj
    tree = make_series_tree(tmp_path / "linux")
    (tree / "Makefile").write_text(SLOW_MAKEFILE)
    base = tmp_path / "base"
    shutil.copytree(tree, base)
    mark = tmp_path / "worker"
    proc = start(proj, "verify", tree, "--arch", "x86_64", "--base", base,
                 env={"IPM_TEST_WORKER": str(mark)})
    worker = wait_file(mark, proc)
    interrupted_cleanly(proc, sig, worker)


# A pause at a chosen moment of a command that starts no program of its
# own (check, restore): Python runs this sitecustomize at start-up; its
# audit hook stops the tool the first time it opens a file whose path
# contains $IPM_TEST_PAUSE_AT, after writing its pid to $IPM_TEST_WORKER.
SITECUSTOMIZE = """
import os, sys, time
_at, _mark = os.environ.get("IPM_TEST_PAUSE_AT"), os.environ.get("IPM_TEST_WORKER")
_done = []
def _hook(event, args):
    if event == "open" and _at and not _done and _at in str(args[0]):
        _done.append(1)
        with open(_mark + ".tmp", "w") as f:
            f.write(str(os.getpid()))
        os.rename(_mark + ".tmp", _mark)
        time.sleep(60)
sys.addaudithook(_hook)
"""


def pause_env(tmp_path, at):
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    return {"PYTHONPATH": str(site), "IPM_TEST_PAUSE_AT": at,
            "IPM_TEST_WORKER": str(tmp_path / "worker")}


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_signal_while_check_reads_the_tree(tmp_path, cache, proj, sig):
    proj, _ = proj
    tree = make_series_tree(tmp_path / "linux")
    proc = start(proj, "check", tree,
                 env=pause_env(tmp_path, "drivers/iommu/d3/d3.c"))
    wait_file(tmp_path / "worker", proc)
    out = interrupted_cleanly(proc, sig, -1)
    assert "summary:" not in out


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_signal_while_restore_takes_the_lock(tmp_path, cache, proj, sig):
    """A restore interrupted before it starts leaves the journal: the next
    restore completes the repair."""
    proj, _ = proj
    tree = make_series_tree(tmp_path / "linux")
    before = tree_hash(tree)
    old = sources(tree)
    apply = start(proj, "apply", tree, pause=3)
    wait_replaced(apply, old)
    apply.kill()
    apply.communicate()
    assert list(cache.glob("runs/*/journal.json")), "no journal to restore"
    proc = start(proj, "restore", tree, env=pause_env(tmp_path, "/lock"))
    wait_file(tmp_path / "worker", proc)
    interrupted_cleanly(proc, sig, -1)
    p = subprocess.run([PYTHON, str(proj / "scripts" / "apply-series.py"), "restore",
                        str(tree)], capture_output=True, text=True)
    assert p.returncode == 0 and "restored" in p.stdout, p.stderr
    assert tree_hash(tree) == before


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
@pytest.mark.parametrize("cmd", ["apply", "dry-run", "series", "check", "verify",
                                 "restore"])
def test_signal_while_the_tool_loads(tmp_path, cache, proj, cmd, sig):
    """Before the tool's handlers are installed (Python imports its
    modules): a KeyboardInterrupt traceback, or a kill by SIGTERM with no
    word, before the early handler."""
    proj, _ = proj
    tree = make_series_tree(tmp_path / "linux")
    before = tree_hash(tree)
    proc = start(proj, cmd, tree, env=pause_env(tmp_path, "ipm/tree.py"))
    wait_file(tmp_path / "worker", proc)
    interrupted_cleanly(proc, sig, -1)
    assert tree_hash(tree) == before


def test_sigkill_leaves_no_worker_in_the_next_runs_stage(tmp_path, cache, proj):
    """After SIGKILL nothing can stop a worker of the spatch that died with
    the tool: the next apply kills it before it reuses the stage (before,
    it removed the stage while the worker wrote into it: "File exists"
    or "Directory not empty")."""
    proj, fake = proj
    tree = make_series_tree(tmp_path / "linux")
    mark = tmp_path / "worker"
    proc = start(proj, "apply", tree, env={
        "PATH": f"{fake}:{os.environ['PATH']}", "IPM_TEST_WORKER": str(mark),
        "IPM_TEST_WORKER_IN": "/runs/"})           # the apply's stage only
    worker = wait_file(mark, proc)
    proc.kill()
    proc.communicate()
    try:
        assert running(worker)
        p = subprocess.run([PYTHON, str(proj / "scripts" / "apply-series.py"), "apply",
                            str(tree)], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        assert not running(worker)
        assert "done: 11 file(s) changed" in p.stdout
    finally:
        if running(worker):
            os.kill(worker, signal.SIGKILL)
