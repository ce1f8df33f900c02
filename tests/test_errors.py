"""Errors that are not the user's input but the machine's (issue 16.8,
18.1): an unexpected exception, a cache that cannot be used, an unreadable
file, a path that is not UTF-8, no HOME, a KERNEL that looks like an
option; and the exit code of make (issue 16.9).  Each is one line on
stderr with its exit code, never a traceback, and the tree is untouched."""

import os
import pathlib
import shlex
import shutil
import subprocess
import tempfile

import pytest

from conftest import ROOT
from faketree import make_project, make_series_tree, series_steps, tree_hash
from ipm.errors import (EXIT_INTERNAL, EXIT_IO, EXIT_JOURNAL, EXIT_NO_PATH,
                        EXIT_NOT_DIR, EXIT_OK)
from test_reliability import needs_mount_ns

PYTHON = "/usr/bin/python3"


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    base = tmp_path_factory.mktemp("errors")
    return make_project(base / "proj", series_steps(), extra=("Makefile", "check"))


def run(proj, *args, env=None, cwd=None, prefix=()):
    e = dict(os.environ, **(env or {}))
    return subprocess.run([*prefix, PYTHON, str(proj / "scripts" / "apply-series.py"),
                           *map(os.fsencode, args)],
                          capture_output=True, text=True, env=e, cwd=cwd,
                          errors="surrogateescape")


def one_line(p, code, *texts, prefix="apply-series: error: "):
    lines = p.stderr.splitlines()
    assert p.returncode == code, (p.returncode, p.stdout[-2000:], p.stderr)
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith(prefix), lines[0]
    for t in texts:
        assert t in lines[0], (t, lines[0])
    return lines[0]


# --- 18.1: the top-level guard --------------------------------------------------

def test_unexpected_exception_is_one_line(tmp_path, cache, proj):
    """A bug (here an exception injected into step 2 of a project copy)
    gives one line naming the exception and where its traceback is, the
    exit code 70, and the tree as it was."""
    bug = tmp_path / "proj"
    shutil.copytree(proj, bug)
    runner = bug / "scripts" / "ipm" / "runner.py"
    text = runner.read_text()
    anchor = "    stage = pathlib.Path(stage)\n    t0 = time.monotonic()\n"
    assert anchor in text
    runner.write_text(text.replace(anchor, anchor + "    if step.number == 2:\n"
                                   "        raise RuntimeError('boom in step 2')\n"))
    tree = make_series_tree(tmp_path / "linux")
    before = tree_hash(tree)
    line = one_line(run(bug, "apply", tree), EXIT_INTERNAL,
                    "RuntimeError: boom in step 2", "traceback in ",
                    prefix="apply-series: internal error: ")
    saved = pathlib.Path(line.split("traceback in ", 1)[1].split(";")[0])
    assert saved.parent == cache / "errors"
    assert "Traceback" in saved.read_text() and "boom in step 2" in saved.read_text()
    assert tree_hash(tree) == before


# --- 16.8: the machine's errors ---------------------------------------------------

def test_cache_is_a_file(tmp_path, proj):
    tree = make_series_tree(tmp_path / "linux")
    before = tree_hash(tree)
    (tmp_path / "cachefile").write_text("x")
    for cmd in ("apply", "dry-run"):
        p = run(proj, cmd, tree, env={"IPM_CACHE": str(tmp_path / "cachefile")})
        one_line(p, EXIT_IO, "the cache", "cannot be used", "Not a directory")
    assert tree_hash(tree) == before


def in_ns(script, argv, env):
    """ARGV in a private mount namespace prepared by the shell SCRIPT."""
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                           "set -e\n" + script + '\nexec "$@"', "sh", *map(str, argv)],
                          capture_output=True, text=True, env=env)


@needs_mount_ns
def test_cache_on_a_read_only_fs(tmp_path, proj):
    tree = make_series_tree(tmp_path / "linux")
    before = tree_hash(tree)
    ro = tmp_path / "ro"
    ro.mkdir()
    q = shlex.quote(str(ro))
    env = dict(os.environ, IPM_CACHE=str(ro / "cache"))
    p = in_ns(f"mount --bind {q} {q}\nmount -o remount,bind,ro {q}",
              [PYTHON, proj / "scripts" / "apply-series.py", "apply", tree], env)
    one_line(p, EXIT_IO, "the cache", "Read-only file system")
    assert tree_hash(tree) == before


@needs_mount_ns
def test_cache_on_a_full_fs(tmp_path, proj):
    tree = make_series_tree(tmp_path / "linux")
    before = tree_hash(tree)
    full = tmp_path / "full"
    full.mkdir()
    q = shlex.quote(str(full))
    env = dict(os.environ, IPM_CACHE=str(full / "cache"))
    p = in_ns(f"mount -t tmpfs -o size=256k tmpfs {q}\n"
              f"cat /dev/zero > {q}/fill 2>/dev/null || true",
              [PYTHON, proj / "scripts" / "apply-series.py", "apply", tree], env)
    one_line(p, EXIT_IO, "the cache", "No space left on device")
    assert tree_hash(tree) == before


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="needs root to run the tool as nobody (setpriv)")
@pytest.mark.parametrize("cmd", ["apply", "dry-run", "check"])
def test_unreadable_file_in_scope(proj, cmd):
    """Run as nobody: a file of the scope nobody may read."""
    top = pathlib.Path(tempfile.mkdtemp(prefix="ipm-nobody."))
    try:
        top.chmod(0o755)
        shutil.copytree(proj, top / "proj")
        tree = make_series_tree(top / "linux")
        secret = tree / "drivers/iommu/d3/d3.c"
        secret.chmod(0)
        (top / "cache").mkdir()
        for p in (top / "cache", *tree.rglob("*"), tree):
            os.chown(p, 65534, 65534)
        os.chown(secret, 0, 0)
        before = tree_hash(tree)
        p = run(top / "proj", cmd, tree, env={"IPM_CACHE": str(top / "cache"),
                                              "HOME": str(top)},
                prefix=["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
        one_line(p, EXIT_IO, str(secret), "Permission denied")
        assert tree_hash(tree) == before
    finally:
        shutil.rmtree(top, ignore_errors=True)


def test_kernel_path_not_utf8(tmp_path, cache, proj):
    """A path is bytes: one that is not UTF-8 works, and is printed as is."""
    tree = make_series_tree(pathlib.Path(os.fsdecode(bytes(tmp_path) + b"/k\xff")))
    before = tree_hash(tree)
    p = run(proj, "dry-run", tree)
    assert p.returncode == EXIT_OK and not p.stderr, p.stderr
    assert tree_hash(tree) == before
    p = run(proj, "apply", tree)
    assert p.returncode == EXIT_OK and not p.stderr, p.stderr
    assert f"done: 11 file(s) changed in {tree}" in p.stdout
    assert tree_hash(tree) != before
    assert run(proj, "restore", tree).returncode == EXIT_OK


def test_home_unset(tmp_path, cache, proj):
    """spatch dies with "exception Not_found" without HOME."""
    tree = make_series_tree(tmp_path / "linux")
    env = {k: v for k, v in os.environ.items() if k != "HOME"}
    p = subprocess.run([PYTHON, str(proj / "scripts" / "apply-series.py"), "apply",
                        str(tree)], capture_output=True, text=True, env=env)
    assert p.returncode == EXIT_OK, p.stderr
    assert "done: 11 file(s) changed" in p.stdout


def test_kernel_starting_with_dash(tmp_path, cache, proj):
    """'-k' is a path: after '--' for the script, always for make."""
    make_series_tree(tmp_path / "-k")
    p = run(proj, "dry-run", "--", "-k", cwd=tmp_path)
    assert p.returncode == EXIT_OK, p.stderr
    work = tmp_path / "proj"
    shutil.copytree(proj, work)
    tree = make_series_tree(work / "-k")     # relative to make -C's directory
    for target in ("dry-run", "apply", "check", "restore"):
        p = subprocess.run(["make", "-s", "-o", "deps", "-C", str(work), target,
                            "KERNEL=-k"], capture_output=True, text=True)
        assert p.returncode == EXIT_OK, (target, p.stderr)
    assert run(work, "check", tree).returncode == EXIT_OK     # applied


# --- 16.9: make's exit code -------------------------------------------------------

@pytest.mark.parametrize("kernel, code", [("missing", EXIT_NO_PATH), ("file", EXIT_NOT_DIR),
                                          ("journal", EXIT_JOURNAL)])
def test_make_exits_2_and_names_the_tools_code(tmp_path, cache, proj, kernel, code):
    """make exits 2 for every failure of the tool (README, "Exit codes");
    the tool's own code is in make's "Error N" line, and the script
    returns it."""
    path = tmp_path / kernel
    if kernel == "file":
        path.write_text("x")
    if kernel == "journal":
        make_series_tree(path)
        from ipm import tree as treemod
        run_dir = treemod.RunDir(path.resolve())
        run_dir.path.mkdir(parents=True)
        run_dir.journal.write_text('{"tree": "", "files": []}')
    assert run(proj, "apply", path).returncode == code
    p = subprocess.run(["make", "-s", "-o", "deps", "-C", str(proj), "apply",
                        f"KERNEL={path}"], capture_output=True, text=True)
    assert p.returncode == 2, p.stderr
    assert f"] Error {code}" in p.stderr, p.stderr
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "`make` itself exits 2 for every failure of a recipe" in readme
