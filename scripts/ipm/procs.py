"""Every program the tool starts (spatch, patch, diff, git, make, qemu,
checkpatch, apt-get) runs through here.

Each child gets a process group of its own and is tracked while it runs.
On SIGINT/SIGTERM the handler (tree.install_signal_handlers) calls
stop_all() before it raises Interrupted, and any exception that leaves
run() stops its child too: the whole group (spatch's -j workers, make's
compilers, QEMU) is killed and reaped before any cleanup removes a
directory they may still be writing into.  A child also gets SIGKILL if
the tool itself is killed (PR_SET_PDEATHSIG), so that a SIGKILLed run does
not leave a spatch behind writing into the cache."""

import ctypes
import os
import signal
import subprocess
import time

_SIGNALS = {signal.SIGINT, signal.SIGTERM}
_live = {}          # pid -> Popen, the children running now
_PR_SET_PDEATHSIG = 1
MARK = "IPM_TOOL_CHILD"      # in the environment of every child

try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):      # not Linux
    _prctl = None


def _child_setup():
    """In the child, before exec: its own process group, SIGINT/SIGTERM
    unblocked (the parent blocks them around the fork), and killed with
    the tool."""
    os.setpgid(0, 0)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def Popen(argv, **kw):
    """subprocess.Popen in a group of its own, registered for stop_all().

    SIGINT/SIGTERM are blocked from the fork until the child is
    registered: a signal in between is taken afterwards and stops it."""
    kw.pop("start_new_session", None)
    # marks the child and whatever it starts (kill_strays)
    kw["env"] = dict(kw.get("env") or os.environ, **{MARK: "1"})
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        p = subprocess.Popen(argv, preexec_fn=_child_setup, **kw)
        _live[p.pid] = p
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
    return p


def run(argv, *, input=None, capture_output=False, timeout=None, check=False,
        **kw):
    """subprocess.run() whose child (and its group) never outlives the call."""
    if capture_output:
        kw["stdout"] = kw["stderr"] = subprocess.PIPE
    if input is not None:
        kw["stdin"] = subprocess.PIPE
    p = Popen(argv, **kw)
    try:
        try:
            out, err = p.communicate(input, timeout=timeout)
        except BaseException:
            stop(p)
            raise
    finally:
        _live.pop(p.pid, None)
    code = p.returncode
    if check and code:
        raise subprocess.CalledProcessError(code, argv, out, err)
    return subprocess.CompletedProcess(argv, code, out, err)


def wait(p, timeout=None):
    """P's exit code (a Popen of this module), or None after TIMEOUT; the
    group is stopped in any case when this returns."""
    try:
        return p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    finally:
        stop(p)


def _signal_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def stop(p, grace=2.0):
    """Stop P's process group: SIGTERM (make removes its half-written
    targets), SIGKILL after GRACE seconds, then reap P and wait (briefly)
    for the rest of the group to be gone.  Never raises."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        if p.poll() is None:
            _signal_group(p.pid, signal.SIGTERM)
            try:
                p.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        # the leader may be gone while a worker it forked still runs
        _signal_group(p.pid, signal.SIGKILL)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and _group_alive(p.pid):
            time.sleep(0.02)
        for f in (p.stdin, p.stdout, p.stderr):
            try:
                if f:
                    f.close()
            except OSError:
                pass
    except Exception:
        pass
    finally:
        _live.pop(p.pid, None)
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _group_alive(pgid):
    """Is a process of group PGID still running (zombies do not count)?"""
    try:
        pids = [d for d in os.listdir("/proc") if d.isdigit()]
    except OSError:
        return False
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 2 and fields[0] != b"Z" and int(fields[2]) == pgid:
            return True
    return False


def stop_all():
    """Stop every child still running (from the signal handler)."""
    for p in list(_live.values()):
        stop(p)


def kill_strays(path):
    """SIGKILL the processes the tool started (MARK in their environment)
    that still work in PATH (their working directory is PATH or below it),
    and wait for them to be gone.

    A run killed by SIGKILL cannot stop its children's children: spatch
    -j's workers (its parent dies with the tool) or make's compilers
    finish the file at hand, in the stage or build directory, which the
    next run would reuse.  That next run calls this under the same lock
    before it touches the directory."""
    path = os.path.realpath(path)
    me, uid = os.getpid(), os.getuid()
    strays = []
    try:
        pids = [int(d) for d in os.listdir("/proc") if d.isdigit()]
    except OSError:
        return 0
    for pid in pids:
        if pid == me:
            continue
        try:
            if os.stat(f"/proc/{pid}").st_uid != uid:
                continue
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        if not (cwd == path or cwd.startswith(path + os.sep)):
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if f"\0{MARK}=1\0".encode() not in b"\0" + f.read():
                    continue
        except OSError:
            continue
        try:
            os.kill(pid, signal.SIGKILL)
            strays.append(pid)
        except OSError:
            pass
    deadline = time.monotonic() + 5
    for pid in strays:
        while time.monotonic() < deadline and _running(pid):
            time.sleep(0.02)
    return len(strays)


def _running(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:stat.rfind(b")") + 3] != b"Z"
