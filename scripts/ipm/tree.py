"""Kernel trees: validation, the files in scope, and safe writing.

Safety model (docs/safety.md):
  * every step runs on a staging copy of the scope (drivers/iommu and
    include/linux/iommu.h) kept in the cache, never in the tree;
  * only when all steps succeeded are the changed files swapped in, each by
    an atomic rename, after the originals were copied to a backup and a
    journal naming them was written;
  * SIGINT/SIGTERM during the swap, or any error, puts the originals back;
  * after SIGKILL the journal remains: the next run refuses to start and
    'restore' puts the originals back.
A per-tree lock (flock) keeps two runs off the same tree.

The module stays above 500 lines because the swap, its journal, restore
and the checks that refuse a half-written tree are one transaction, read
and changed together."""

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

from . import procs, tools
from .errors import (ToolError, Interrupted, EXIT_DIRTY, EXIT_BUSY,
                     EXIT_JOURNAL, EXIT_NO_PATH, EXIT_NOT_DIR, EXIT_NOT_KERNEL,
                     EXIT_READ_ONLY, EXIT_WRITE, EXIT_ODD_FILE)

TMP_SUFFIX = ".ipm-new"
# Called between two files of the swap, signals unblocked (None: nothing).
# The interruption tests set it, through tests/pause_swap.py, to a pause
# long enough for a signal to land in the middle of the swap.
between_files = None


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
    """Relative paths of the regular files in scope, sorted (the swap's
    marker and its temporary file are not part of it)."""
    tree = os.fspath(tree)
    out = []
    ours = (MARKER, MARKER + TMP_SUFFIX)
    for s in scope:
        p = os.path.join(tree, s)
        if os.path.isfile(p):
            out.append(s)
        elif os.path.isdir(p):
            for dirpath, dirnames, filenames in os.walk(p):
                rel = os.path.relpath(dirpath, tree)
                for f in filenames:
                    full = os.path.join(dirpath, f)
                    if os.path.isfile(full) and not os.path.islink(full) \
                            and os.path.join(rel, f) not in ours:
                        out.append(os.path.join(rel, f))
    return sorted(out)


def refuse_odd_files(tree, scope, crlf=True):
    """The swap writes regular files with LF line endings: a symbolic link
    in the scope (a file, or a driver directory linked from elsewhere) or a
    file with CRLF line endings is refused in one line, before any work,
    rather than converted in part or written with mixed line endings."""
    tree = pathlib.Path(tree)
    for s in scope:
        p = tree / s
        if p.is_symlink():
            raise ToolError(f"{p}: a symbolic link (to {os.readlink(p)}); the tool "
                            "does not write through links: make it a real "
                            "file or directory first", EXIT_ODD_FILE)
        if not p.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(p):
            for f in sorted(dirnames + filenames):
                full = pathlib.Path(dirpath) / f
                if full.is_symlink():
                    raise ToolError(f"{full}: a symbolic link (to {os.readlink(full)}) "
                                    "in the scope; the tool does not write through "
                                    "links: make it a real file or directory first",
                                    EXIT_ODD_FILE)
    for rel in scope_files(tree, scope) if crlf else ():
        with open(tree / rel, "rb") as fh:
            if b"\r\n" in fh.read():
                raise ToolError(f"{tree / rel}: CRLF line endings; the tool writes "
                                "kernel source with LF endings only: convert it "
                                "first (e.g. dos2unix)", EXIT_ODD_FILE)


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
    lines = status("--untracked-files=all", "--", *scope)
    # the swap's marker is not the user's change (if it is ours)
    if read_marker(tree) is not None:
        lines = [l for l in lines if l[3:].strip('"') != MARKER]
    return lines


def refuse_dirty(tree, scope):
    dirty = git_dirty(tree, scope)
    if dirty:
        raise ToolError(f"{tree}: git tree has uncommitted changes in "
                        f"{' or '.join(scope)} ({len(dirty)} path(s), e.g. "
                        f"{dirty[0].strip()}); commit or stash them first",
                        EXIT_DIRTY)


# --- per-tree run directory, lock and journal ------------------------------

# While the tree may be mixed (some files new, some old) a marker in the tree
# itself says so: written before the first file is replaced, removed after
# the last one (or after the originals were put back and checked).  It names
# the journal and holds every file's hashes, so that a tree that was moved,
# or whose cache is gone, is still known to be half written, and 'restore'
# finds its backup wherever the tree is now.
MARKER = "drivers/iommu/.ipm-journal"
MARKER_KIND = "iommu-pages-migrate: files of this tree are being replaced"


def sha(data):
    return hashlib.sha256(data).hexdigest()


def file_sha(path):
    try:
        with open(path, "rb") as f:
            return sha(f.read())
    except FileNotFoundError:
        return None


def read_marker(tree):
    """The tree's marker (a dict), or None; a file of that name that is not
    ours counts as none."""
    try:
        m = json.loads((pathlib.Path(tree) / MARKER).read_text())
    except (OSError, ValueError):
        return None
    return m if isinstance(m, dict) and m.get("kind") == MARKER_KIND else None


class RunDir:
    """Cache directory that belongs to one kernel tree: lock and journal."""

    def __init__(self, tree):
        self.tree = pathlib.Path(tree)
        key = hashlib.sha256(os.fsencode(self.tree)).hexdigest()[:16]
        self.path = cache_root() / "runs" / key
        self.journal = self.path / "journal.json"
        self.backup = self.path / "backup"
        self.marker = self.tree / MARKER
        self._lockf = None
        self._edited = []

    @contextlib.contextmanager
    def locked(self):
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / "tree").write_text(str(self.tree) + "\n", errors="surrogateescape")
        with exclusive(self.path / "lock", f"{self.tree}: another run is "
                       "working on this tree; try again when it is done"):
            yield self

    @contextlib.contextmanager
    def reading(self):
        """For a command that only reads the tree: the lock in shared mode
        (a run writing the tree holds it exclusively: exit 4 at once), and
        a tree left half written by a killed run is refused (exit 5)."""
        self.path.mkdir(parents=True, exist_ok=True)
        with exclusive(self.path / "lock", f"{self.tree}: a run is working "
                       "on this tree; try again when it is done", shared=True):
            self.refuse_journal()
            yield self

    def pending(self):
        """Is the tree (possibly) mixed: a marker or a journal left?"""
        return read_marker(self.tree) is not None or self.journal.exists()

    def refuse_journal(self):
        if self.pending():
            raise ToolError(f"{self.tree}: an earlier run was killed while "
                            f"writing ({MARKER} is there); run 'make restore "
                            "KERNEL=...' first", EXIT_JOURNAL)

    # The journal (in the cache) and then the marker (in the tree) are
    # written before the first file of the tree is replaced; the marker is
    # removed after the last one, then the journal: while the marker exists
    # the tree may be mixed.
    def commit(self, new):
        """Replace files of the tree with NEW ({rel: bytes or None})."""
        if not new:
            return
        for rel in new:
            _writable(self.tree / rel)
        entries = []
        try:
            shutil.rmtree(self.backup, ignore_errors=True)
            self.backup.mkdir(parents=True)
            for rel in sorted(new):
                src = self.tree / rel
                e = {"path": rel, "existed": src.exists(), "old": None,
                     "new": None if new[rel] is None else sha(new[rel])}
                if e["existed"]:
                    data = src.read_bytes()
                    e.update(old=sha(data), **_meta(src))
                    dst = self.backup / rel
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    _write_synced(dst, data)
                entries.append(e)
            record = json.dumps({"kind": MARKER_KIND, "tree": str(self.tree),
                                 "journal": str(self.journal), "files": entries},
                                separators=(",", ":")).encode()   # small: one page
            _write_atomic(self.journal, record)
        except OSError as err:
            self._finish()
            raise ToolError(f"{self.tree}: cannot keep a backup of the files to "
                            f"replace in {self.path}: {err.strerror}; nothing was "
                            "written into the tree", EXIT_WRITE)
        try:
            _replace(self.marker, record, None)
        except OSError as err:
            self._finish()
            raise ToolError(f"{self.marker}: cannot write: {err.strerror}; "
                            "nothing was written into the tree", EXIT_WRITE)
        # Each file is replaced with SIGINT/SIGTERM blocked; a signal that
        # arrives meanwhile is taken between two files, where the handler's
        # exception puts the originals back.  After the last file the
        # marker and journal are removed with signals still blocked: that is
        # the point where the run is complete, and a later signal is ignored
        # rather than reported as an interruption of a run that did finish.
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        try:
            items = sorted(new.items())
            for i, (rel, data) in enumerate(items):
                target = self.tree / rel
                if data is None:
                    target.unlink(missing_ok=True)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    _replace(target, data, _meta(target) if target.exists() else None)
                if i < len(items) - 1:
                    signal.pthread_sigmask(signal.SIG_SETMASK, old)
                    if between_files:
                        between_files()
                    signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
            self._finish()
        except BaseException as exc:
            signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
            try:
                self._put_back(entries, self._original_from(self.backup), rel)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)
            if isinstance(exc, OSError):
                raise ToolError(f"{self.tree}: writing {rel} failed: "
                                f"{exc.strerror}; every file was put back and "
                                "checked: the tree is as it was", EXIT_WRITE)
            raise
        ignore_late_signals()
        signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def _original_from(self, backup):
        """original(entry) -> the file's original bytes, checked by hash,
        or None: from BACKUP, else from git HEAD when that is the same."""
        def original(e):
            if backup is not None:
                try:
                    data = (backup / e["path"]).read_bytes()
                    if sha(data) == e["old"]:
                        return data
                except OSError:
                    pass
            if (self.tree / ".git").exists():
                p = procs.run(["git", "-C", str(self.tree), "cat-file",
                               "blob", f"HEAD:{e['path']}"], capture_output=True)
                if p.returncode == 0 and sha(p.stdout) == e["old"]:
                    return p.stdout
            return None
        return original

    def _put_back(self, entries, original, failing=None):
        """Put every file of ENTRIES back to its original, check the result
        by hash and only then remove marker and journal.  A file whose
        content is neither the original nor what the run wrote was edited
        since: it is moved aside to NAME.orig-edit, never overwritten.
        Returns (restored, edited); ToolError naming the tree's exact state
        if it could not be done (the marker and journal then stay)."""
        restored, edited, failed = [], [], []
        for e in entries:            # first free the space of the leftovers
            _unlink_quietly(self.tree / (e["path"] + TMP_SUFFIX))
        _unlink_quietly(self.tree / (MARKER + TMP_SUFFIX))
        for e in entries:
            target = self.tree / e["path"]
            try:
                cur = file_sha(target)
                if cur == e["old"]:
                    continue
                if cur is not None and cur != e["new"]:
                    keep = _free_name(target, ".orig-edit")
                    os.rename(target, keep)
                    edited.append(f"{e['path']} (kept as {keep.name})")
                    self._edited = edited
                if e["existed"]:
                    data = original(e)
                    if data is None:
                        failed.append(e["path"])
                        continue
                    _replace(target, data, e)
                else:
                    target.unlink(missing_ok=True)
                restored.append(e["path"])
            except OSError:
                failed.append(e["path"])
        wrong = [e["path"] for e in entries if file_sha(self.tree / e["path"]) != e["old"]]
        if wrong:
            new = [e["path"] for e in entries
                   if e["new"] and file_sha(self.tree / e["path"]) == e["new"]]
            fix = ("'git checkout HEAD -- drivers/iommu include/linux/iommu.h' "
                   "(if HEAD is the tree you ran on)" if (self.tree / ".git").exists()
                   else "'make restore KERNEL=...' once there is space, or copy the "
                   "originals from where the tree came from")
            what = (f"writing {failing} failed, and " if failing else "")
            raise ToolError(
                f"{self.tree}: {what}{len(wrong)} of {len(entries)} file(s) could "
                f"not be put back: the tree is mixed: {len(new)} file(s) have the run's "
                f"new content ({_names(new)}), the others their original"
                + (f"; edited since, kept aside: {', '.join(edited)}" if edited else "")
                + f"; {MARKER} stays; repair with {fix}", EXIT_JOURNAL)
        self._finish()
        return restored, edited

    def restore(self):
        """Put back every file named by the marker or the journal, wherever
        the tree now is.  Returns (files of the run, edited), or None if
        there is nothing to restore.

        Idempotent: killed half way, it can simply be run again (marker and
        journal go last)."""
        marker = read_marker(self.tree)
        rec, backup = None, None
        if marker is not None:
            rec = marker
            journal = pathlib.Path(marker.get("journal", ""))
            try:
                if json.loads(journal.read_text()).get("files") == marker["files"]:
                    self.journal, self.backup = journal, journal.parent / "backup"
                    backup = self.backup
            except (OSError, ValueError):
                pass
        elif self.journal.exists():
            try:
                rec = json.loads(self.journal.read_text())
            except ValueError:
                rec = None      # killed while writing it: the tree is untouched
            backup = self.backup
            if rec is None or not all("old" in e for e in rec["files"]):
                self._finish()
                return ([], []) if rec is None else self._legacy(rec)
        else:
            return None
        with signals_blocked():
            self._put_back(rec["files"], self._original_from(backup))
            return [e["path"] for e in rec["files"]], self._edited

    def _legacy(self, rec):
        """A journal of an earlier version (no hashes): put back as it did."""
        for e in rec["files"]:
            target = self.tree / e["path"]
            if e["existed"]:
                _replace(target, (self.backup / e["path"]).read_bytes(),
                         _meta(target) if target.exists() else None)
            else:
                target.unlink(missing_ok=True)
        self._finish()
        return [e["path"] for e in rec["files"]], []

    def _finish(self):
        _unlink_quietly(self.marker)
        _fsync_dir(self.marker.parent)
        self.journal.unlink(missing_ok=True)
        shutil.rmtree(self.backup, ignore_errors=True)


def _names(paths, n=4):
    return ", ".join(paths[:n]) + (f" and {len(paths) - n} more" if len(paths) > n else "") \
        if paths else "none"


def _meta(path):
    """Owner, group, mode and extended attributes of PATH, for the file
    that replaces it (and for the original when it is put back)."""
    st = os.stat(path)
    xattrs = {}
    try:
        for name in os.listxattr(path):
            xattrs[name] = os.getxattr(path, name).hex()
    except OSError:
        pass
    return {"uid": st.st_uid, "gid": st.st_gid, "mode": st.st_mode & 0o7777,
            "xattrs": xattrs}


def _replace(target, data, meta):
    """Write DATA next to TARGET (NAME.ipm-new, fsynced), give it META's
    owner, group, mode and xattrs (0644 for a new file), rename it over
    TARGET.  On an error the .ipm-new file is removed."""
    tmp = target.with_name(target.name + TMP_SUFFIX)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if meta is None:
            os.chmod(tmp, 0o644)
        else:
            try:
                os.chown(tmp, meta["uid"], meta["gid"])
            except PermissionError:
                pass        # not root: a file of another user stays ours
            os.chmod(tmp, meta["mode"])
            for name, value in meta.get("xattrs", {}).items():
                try:
                    os.setxattr(tmp, name, bytes.fromhex(value))
                except OSError:
                    pass    # trusted.*/security.* as non-root, or unsupported
        os.replace(tmp, target)
    except BaseException:
        _unlink_quietly(tmp)
        raise


def _unlink_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _fsync_dir(path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _free_name(target, suffix):
    p = target.with_name(target.name + suffix)
    n = 1
    while os.path.lexists(p):
        p = target.with_name(f"{target.name}{suffix}.{n}")
        n += 1
    return p


_held = {}   # lock path -> [file, depth]: a process may nest its own locks


@contextlib.contextmanager
def exclusive(path, busy, shared=False, wait=None):
    """Hold an flock on PATH, or fail at once with BUSY (exit code 4);
    SHARED for readers: many may hold it, not while a writer does.  With
    WAIT (a callable), a held lock is waited for instead: WAIT(BUSY) says
    so first.

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
    f = open(path, "a")
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    try:
        try:
            fcntl.flock(f, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            if wait is None:
                raise ToolError(busy, EXIT_BUSY) from None
            wait(busy)
            fcntl.flock(f, mode)
    except BaseException:               # busy, or a signal while waiting
        f.close()
        raise
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


def _write_synced(path, data):
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
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
