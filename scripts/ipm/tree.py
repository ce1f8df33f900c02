"""Kernel trees: validation, the files in scope, and safe writing.

Safety model (README, "What happens to your tree"):
  * every step runs on a staging copy of the scope (drivers/iommu and
    include/linux/iommu.h) kept in the cache, never in the tree;
  * only when all steps succeeded are the changed files swapped in, each by
    an atomic rename, after the originals were copied to a backup and a
    journal naming them was written;
  * SIGINT/SIGTERM during the swap, or any error, puts the originals back;
  * after SIGKILL the journal remains: the next run refuses to start and
    'restore' puts the originals back.
A per-tree lock (flock) keeps two runs off the same tree."""

import contextlib
import fcntl
import hashlib
import json
import os
import pathlib
import re
import shutil
import signal
import tempfile
import time

from . import procs, tools
from .errors import (ToolError, Interrupted, EXIT_DIRTY, EXIT_BUSY,
                     EXIT_JOURNAL, EXIT_NO_PATH, EXIT_NOT_DIR, EXIT_NOT_KERNEL,
                     EXIT_READ_ONLY)

TMP_SUFFIX = ".ipm-new"
# Fault injection for the interruption tests only: a pause after each file
# is replaced, so that a signal can land in the middle of the swap.
_COMMIT_DELAY = float(os.environ.get("IPM_TEST_COMMIT_DELAY") or 0)


def cache_root():
    """The tool's cache: $IPM_CACHE, else $XDG_CACHE_HOME/iommu-pages-migrate."""
    env = os.environ.get("IPM_CACHE")
    if env:
        return pathlib.Path(env).expanduser().resolve()
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return pathlib.Path(xdg).resolve() / "iommu-pages-migrate"


def private_tmp():
    """Send temporary files (ours, spatch's, patch's) into <cache>/tmp
    rather than /tmp: the tool writes only into the tree and its cache.
    Left alone if the cache cannot be created (a command that needs the
    cache then fails with its own error)."""
    d = cache_root() / "tmp"
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    os.environ["TMPDIR"] = str(d)
    tempfile.tempdir = str(d)


def validate(path, scope):
    """Resolve PATH and check it is a kernel tree with the scope in it."""
    if path is None or str(path).strip() == "":
        raise ToolError("KERNEL is empty: give the path of a kernel tree")
    p = pathlib.Path(path).expanduser()
    if not p.exists():
        raise ToolError(f"{path}: no such file or directory", EXIT_NO_PATH)
    if not p.is_dir():
        raise ToolError(f"{path}: not a directory (KERNEL is a kernel tree)",
                        EXIT_NOT_DIR)
    p = p.resolve()
    if not (p / "Makefile").is_file() or not (p / "Kconfig").is_file():
        raise ToolError(f"{path}: not a kernel tree (no top-level Makefile "
                        "and Kconfig)", EXIT_NOT_KERNEL)
    for s in scope:
        if not (p / s).exists():
            raise ToolError(f"{path}: not a kernel tree with IOMMU support "
                            f"(no {s})", EXIT_NOT_KERNEL)
    return p


def refuse_read_only(tree, scope):
    """Fail before any work when the scope cannot be written: every
    directory of it (the swap renames into them) and every file."""
    tree = pathlib.Path(tree)
    dirs = set()
    for rel in scope_files(tree, scope):
        dirs.add((tree / rel).parent)
    for s in scope:
        p = tree / s
        dirs.add(p if p.is_dir() else p.parent)
    for d in sorted(dirs):
        if not os.access(d, os.W_OK):
            raise ToolError(f"{d}: not writable (read-only tree?)",
                            EXIT_READ_ONLY)


def kernel_version(tree):
    """'6.12.117' from the top-level Makefile."""
    text = (pathlib.Path(tree) / "Makefile").read_text(errors="replace")
    v = {}
    for key in ("VERSION", "PATCHLEVEL", "SUBLEVEL"):
        m = re.search(rf"^{key}\s*=\s*(\d+)", text, re.M)
        v[key] = m.group(1) if m else "0"
    return f"{v['VERSION']}.{v['PATCHLEVEL']}.{v['SUBLEVEL']}"


def scope_files(tree, scope):
    """Relative paths of the regular files in scope, sorted."""
    tree = os.fspath(tree)
    out = []
    for s in scope:
        p = os.path.join(tree, s)
        if os.path.isfile(p):
            out.append(s)
        elif os.path.isdir(p):
            for dirpath, dirnames, filenames in os.walk(p):
                rel = os.path.relpath(dirpath, tree)
                for f in filenames:
                    full = os.path.join(dirpath, f)
                    if os.path.isfile(full) and not os.path.islink(full):
                        out.append(os.path.join(rel, f))
    return sorted(out)


def read_scope(tree, scope):
    out = {}
    for rel in scope_files(tree, scope):
        with open(os.path.join(tree, rel), "rb") as fh:
            out[rel] = fh.read()
    return out


def copy_scope(src, dst, scope):
    """Copy the scope of SRC into DST (a fresh directory)."""
    src, dst = pathlib.Path(src), pathlib.Path(dst)
    for rel in scope_files(src, scope):
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / rel, dst / rel)


def changes(before, after):
    """{rel: new bytes, or None for a removed file} between two snapshots."""
    out = {}
    for rel in sorted(set(before) | set(after)):
        if before.get(rel) != after.get(rel):
            out[rel] = after.get(rel)
    return out


# --- git -------------------------------------------------------------------

def git_dirty(tree, scope):
    """Lines of 'git status' that make TREE unsafe to modify, or []: after
    a run, 'git diff' must show the migration and nothing else."""
    tree = pathlib.Path(tree)
    if not (tree / ".git").exists():
        return []
    tools.require("git")
    def status(*args):
        p = procs.run(["git", "-C", str(tree), "status", "--porcelain",
                       *args], capture_output=True, text=True)
        if p.returncode != 0:
            err = p.stderr.strip().splitlines()
            raise ToolError(f"{tree}: git status failed: "
                            f"{err[0] if err else p.returncode}")
        return [l for l in p.stdout.splitlines() if l.strip()]
    # Changes (staged, unstaged, untracked) to what the series reads and
    # writes: the scope.  Work elsewhere in the tree is none of our business.
    return status("--untracked-files=all", "--", *scope)


def refuse_dirty(tree, scope):
    dirty = git_dirty(tree, scope)
    if dirty:
        raise ToolError(f"{tree}: git tree has uncommitted changes in "
                        f"{' or '.join(scope)} ({len(dirty)} path(s), e.g. "
                        f"{dirty[0].strip()}); commit or stash them first",
                        EXIT_DIRTY)


# --- per-tree run directory, lock and journal ------------------------------

class RunDir:
    """Cache directory that belongs to one kernel tree: lock and journal."""

    def __init__(self, tree):
        self.tree = pathlib.Path(tree)
        key = hashlib.sha256(os.fsencode(self.tree)).hexdigest()[:16]
        self.path = cache_root() / "runs" / key
        self.journal = self.path / "journal.json"
        self.backup = self.path / "backup"
        self._lockf = None

    @contextlib.contextmanager
    def locked(self):
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / "tree").write_text(str(self.tree) + "\n", errors="surrogateescape")
        with exclusive(self.path / "lock", f"{self.tree}: another run is "
                       "working on this tree; try again when it is done"):
            yield self

    def refuse_journal(self):
        if self.journal.exists():
            raise ToolError(f"{self.tree}: an earlier run was killed while "
                            "writing; run 'make restore KERNEL=...' first",
                            EXIT_JOURNAL)

    # The journal is written before the first file of the tree is replaced
    # and removed after the last one: while it exists the tree may be mixed.
    def commit(self, new):
        """Replace files of the tree with NEW ({rel: bytes or None})."""
        if not new:
            return
        for rel in new:
            _writable(self.tree / rel)
        shutil.rmtree(self.backup, ignore_errors=True)
        self.backup.mkdir(parents=True)
        entries = []
        for rel in sorted(new):
            src = self.tree / rel
            existed = src.exists()
            if existed:
                dst = self.backup / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)
            entries.append({"path": rel, "existed": existed})
        for rel in new:
            if (self.backup / rel).is_file():
                _fsync(self.backup / rel)
        _write_atomic(self.journal, json.dumps(
            {"tree": str(self.tree), "files": entries}, indent=1).encode())
        # Each file is replaced with SIGINT/SIGTERM blocked; a signal that
        # arrives meanwhile is taken between two files, where the handler's
        # exception puts the originals back.  After the last file the
        # journal is removed with signals still blocked: that is the point
        # where the run is complete, and a later signal is ignored rather
        # than reported as an interruption of a run that did finish.
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        try:
            items = sorted(new.items())
            for i, (rel, data) in enumerate(items):
                target = self.tree / rel
                if data is None:
                    target.unlink(missing_ok=True)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    mode = target.stat().st_mode & 0o7777 if target.exists() else 0o644
                    tmp = target.with_name(target.name + TMP_SUFFIX)
                    with open(tmp, "wb") as f:
                        f.write(data)
                        f.flush()
                        os.fsync(f.fileno())
                    os.chmod(tmp, mode)
                    os.replace(tmp, target)
                if i < len(items) - 1:
                    signal.pthread_sigmask(signal.SIG_SETMASK, old)
                    if _COMMIT_DELAY:
                        time.sleep(_COMMIT_DELAY)
                    signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
            self._finish()
        except BaseException:
            signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
            self.restore()
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
            raise
        ignore_late_signals()
        signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def restore(self):
        """Put back every file named by the journal.  Returns the count.

        Idempotent: killed half way, it can simply be run again (the
        journal goes last)."""
        if not self.journal.exists():
            return 0
        with signals_blocked():
            entries = json.loads(self.journal.read_text())["files"]
            for e in entries:
                target = self.tree / e["path"]
                tmp = target.with_name(target.name + TMP_SUFFIX)
                if e["existed"]:
                    shutil.copy2(self.backup / e["path"], tmp)
                    os.replace(tmp, target)
                else:
                    target.unlink(missing_ok=True)
                    tmp.unlink(missing_ok=True)
            self._finish()
        return len(entries)

    def _finish(self):
        self.journal.unlink(missing_ok=True)
        shutil.rmtree(self.backup, ignore_errors=True)


_held = {}   # lock path -> [file, depth]: a process may nest its own locks


@contextlib.contextmanager
def exclusive(path, busy):
    """Hold an flock on PATH, or fail at once with BUSY (exit code 4).

    Re-entrant within a process, so that a command may call another that
    takes the same lock."""
    path = str(path)
    if path in _held:
        _held[path][1] += 1
        try:
            yield
        finally:
            _held[path][1] -= 1
        return
    pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
    f = open(path, "w")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.close()
        raise ToolError(busy, EXIT_BUSY)
    _held[path] = [f, 1]
    try:
        yield
    finally:
        del _held[path]
        fcntl.flock(f, fcntl.LOCK_UN)
        f.close()


def _writable(path):
    """The swap renames into PATH's directory (the nearest that exists)."""
    d = path.parent
    while not d.exists():
        d = d.parent
    if not os.access(d, os.W_OK):
        raise ToolError(f"{path}: not writable (read-only tree?)",
                        EXIT_READ_ONLY)


def _fsync(path):
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _write_atomic(path, data):
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


# --- signals ---------------------------------------------------------------

_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def install_signal_handlers():
    """Turn SIGINT and SIGTERM into an Interrupted exception, raised only
    once every child the tool started is stopped and reaped: the cleanup
    that the exception runs then removes nothing a child still writes."""
    def handler(signum, frame):
        procs.stop_all()
        raise Interrupted(signal.Signals(signum).name)
    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def ignore_late_signals():
    """After the swap is complete: SIGINT and SIGTERM no longer interrupt
    (a Python handler that does nothing, so that programs started later do
    not inherit SIG_IGN)."""
    for sig in _SIGNALS:
        signal.signal(sig, lambda signum, frame: None)


def hold_signals():
    """Block SIGINT and SIGTERM for the rest of the process (its exit)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)


@contextlib.contextmanager
def signals_blocked():
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
