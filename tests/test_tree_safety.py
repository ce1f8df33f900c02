"""Never lie about the tree (issue 16): a half-applied, moved, full or
edited tree is always detected, and no edit is ever lost.  One test per
point of the issue, on the small fake trees of faketree with real spatch
and patch."""

import os
import shutil
import subprocess
import time

import pytest

import test_reliability as rel
import test_series as ts
from faketree import (SERIES_DRIVER, make_project, make_series_tree, series_steps,
                      sources, tool, tree_hash, wait_for, wait_replaced)
from ipm import tree as treemod
from ipm.errors import (EXIT_BUSY, EXIT_HALF, EXIT_JOURNAL, EXIT_ODD_FILE,
                        EXIT_WRITE)

MARKER = "drivers/iommu/.ipm-journal"


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    """(project, pristine tree, its hash, the hash after a clean apply)."""
    base = tmp_path_factory.mktemp("safety")
    proj = make_project(base / "proj", series_steps(), extra=("Makefile", "check"))
    pristine = make_series_tree(base / "pristine")
    ref = base / "ref"
    shutil.copytree(pristine, ref)
    p = tool(proj, "apply", ref, env={"IPM_CACHE": str(base / "cache")})
    assert p.returncode == 0, p.stdout + p.stderr
    return proj, pristine, tree_hash(pristine), ref


def fresh(series, dest, git=False):
    shutil.copytree(series[1], dest)
    if git:
        rel.git(dest, "init", "-q")
        rel.git(dest, "add", "-A")
        rel.git(dest, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "base")
    return dest


def kill_in_swap(proj, tree, delay=3.0):
    """Start apply and SIGKILL it once the swap has replaced its first file
    (DELAY seconds between two files: the others are not replaced)."""
    before = sources(tree)
    proc = rel.start(proj, "apply", tree, pause=delay)
    wait_replaced(proc, before)
    proc.kill()
    proc.communicate(timeout=60)


# --- 1. a half-applied tree is never taken for converted -------------------------

def test_half_converted_tree_is_refused(tmp_path, cache, series):
    """A converted header with a driver still in the old state (as a run
    killed in its swap leaves it, marker lost): apply, dry-run and series
    refuse it with their own code, naming the file; before, 'already
    converted', exit 0."""
    proj, _, _, ref = series
    tree = tmp_path / "linux"
    shutil.copytree(ref, tree)
    shutil.copy(series[1] / "drivers/iommu/d3/d3.c", tree / "drivers/iommu/d3/d3.c")
    before = tree_hash(tree)
    for cmd in ("apply", "dry-run", "series"):
        p = tool(proj, cmd, tree)
        rel.one_line_error(p, EXIT_HALF, "half converted", "drivers/iommu/d3/d3.c")
        assert "'git checkout HEAD -- drivers/iommu include/linux/iommu.h'" in p.stderr
    assert tree_hash(tree) == before


def test_killed_swap_is_found_when_moved_or_without_cache(tmp_path, cache, series):
    """SIGKILL in the swap, then the tree is moved: every command refuses it
    (exit 5) and restore finds the backup through the marker in the tree.
    With the cache deleted too: restore of a git tree takes the originals
    from HEAD (checked by hash); of a plain tree it says exactly what state
    the tree is in, and leaves it."""
    proj, _, before, _ = series
    tree = fresh(series, tmp_path / "linux")
    kill_in_swap(proj, tree)
    assert (tree / MARKER).exists()
    assert MARKER not in treemod.scope_files(tree, ["drivers/iommu"])
    moved = tmp_path / "moved"
    tree.rename(moved)
    for cmd in ("apply", "dry-run", "series", "check"):
        rel.one_line_error(tool(proj, cmd, moved), EXIT_JOURNAL, "make restore")
    p = tool(proj, "restore", moved)
    assert p.returncode == 0 and "restored" in p.stdout, p.stdout + p.stderr
    assert tree_hash(moved) == before
    assert not (moved / MARKER).exists()

    for git in (True, False):
        tree = fresh(series, tmp_path / f"linux-{git}", git=git)
        before = tree_hash(tree)
        kill_in_swap(proj, tree)
        shutil.rmtree(cache)
        rel.one_line_error(tool(proj, "apply", tree), EXIT_JOURNAL, "make restore")
        p = tool(proj, "restore", tree)
        if git:
            assert p.returncode == 0, p.stderr
            assert tree_hash(tree) == before
        else:
            rel.one_line_error(p, EXIT_JOURNAL, "the tree is mixed",
                               "1 file(s) have the run's new content "
                               "(drivers/iommu/bar/bar.c)")
            assert (tree / MARKER).exists()


def test_dirty_check_ignores_only_our_marker(tmp_path, series):
    tree = fresh(series, tmp_path / "linux", git=True)
    (tree / MARKER).write_text("a file of the user's\n")
    assert treemod.git_dirty(tree, ["drivers/iommu"])
    (tree / MARKER).write_text('{"kind": "%s", "files": []}' % treemod.MARKER_KIND)
    assert treemod.git_dirty(tree, ["drivers/iommu"]) == []


# --- 2. disk full during the swap ----------------------------------------------------

@rel.needs_mount_ns
def test_disk_full_during_the_swap(tmp_path, series):
    """The tree on a tmpfs with two free pages; a driver grows from two
    pages to three, half way through the swap: ENOSPC.  The files already
    replaced are put back, checked, and only then does the tool say the
    tree is as it was: one line, exit 15, no .ipm-new file, no marker."""
    proj = series[0]
    src = fresh(series, tmp_path / "src")
    big = src / "drivers/iommu/d3/d3.c"
    pad = 8192 - 10 - len(SERIES_DRIVER.replace("NAME", "d3"))
    big.write_text("/*" + "x" * (pad - 5) + "*/\n" + SERIES_DRIVER.replace("NAME", "d3"))
    assert 8192 - 20 < big.stat().st_size < 8192
    before = tree_hash(src)
    mnt, out = tmp_path / "mnt", tmp_path / "out"
    mnt.mkdir()
    out.mkdir()
    script = f"""set -e
mount -t tmpfs -o size=1m tmpfs {mnt}
cp -a {src} {mnt}/linux
python3 -c 'import os; s = os.statvfs("{mnt}"); n = s.f_bavail * s.f_frsize - 2 * 4096
open("{mnt}/filler", "wb").write(b"x" * n)'
set +e
IPM_CACHE={tmp_path}/cache {rel.PYTHON} {proj}/scripts/apply-series.py apply {mnt}/linux \
  >{out}/stdout 2>{out}/stderr
echo $? >{out}/rc
cp -a {mnt}/linux {out}/linux
"""
    p = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                        script], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    err = (out / "stderr").read_text()
    assert int((out / "rc").read_text()) == EXIT_WRITE, err
    assert len(err.splitlines()) == 1, err
    assert "No space left on device" in err and "the tree is as it was" in err, err
    assert "writing drivers/iommu/d3/d3.c failed" in err, err
    assert tree_hash(out / "linux") == before
    assert not list((out / "linux").rglob("*.ipm-new"))


# --- 3. restore never overwrites an edit -------------------------------------------

def test_restore_keeps_an_edit_made_after_the_kill(tmp_path, cache, series):
    proj, _, before, _ = series
    tree = fresh(series, tmp_path / "linux")
    kill_in_swap(proj, tree)
    f = tree / "drivers/iommu/bar/bar.c"        # replaced first
    mine = f.read_text() + "/* my edit after the kill */\n"
    f.write_text(mine)
    p = tool(proj, "restore", tree)
    assert p.returncode == 0, p.stderr
    assert "bar.c.orig-edit" in p.stderr
    assert (tree / "drivers/iommu/bar/bar.c.orig-edit").read_text() == mine
    (tree / "drivers/iommu/bar/bar.c.orig-edit").unlink()
    assert tree_hash(tree) == before


# --- 4. readers do not read a half-written tree ------------------------------------

def test_readers_refuse_while_the_swap_runs(tmp_path, cache, series):
    proj = series[0]
    tree = fresh(series, tmp_path / "linux")
    # a pause between the files of the swap, long enough for the five
    # readers even on a loaded machine
    first = rel.start(proj, "apply", tree, pause=4)
    wait_for(first, "writing")
    for argv in (["dry-run"], ["series"], ["check"], ["verify"], ["bisect-check"]):
        p = tool(proj, *argv, tree)
        assert first.poll() is None, f"the swap ended before {argv[0]} ran"
        rel.one_line_error(p, EXIT_BUSY, "try again when it is done")
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, out + err


# --- 5. metadata, symlinks, line endings ----------------------------------------------

def test_swap_keeps_owner_mode_and_xattrs(tmp_path, cache, series):
    if os.geteuid() != 0:
        pytest.skip("needs root to give a file another owner")
    proj = series[0]
    tree = fresh(series, tmp_path / "linux")
    f = tree / "drivers/iommu/d2/d2.c"
    try:
        os.setxattr(f, "user.origin", b"mine")
    except OSError:
        pytest.skip("no user xattrs on this filesystem")
    os.chown(f, 1234, 1234)
    os.chmod(f, 0o640)
    p = tool(proj, "apply", tree)
    assert p.returncode == 0, p.stderr
    st = f.stat()
    assert "iommu_free_pages(" in f.read_text()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (1234, 1234, 0o640)
    assert os.getxattr(f, "user.origin") == b"mine"


@pytest.mark.parametrize("odd", ["dir-link", "file-link", "crlf"])
def test_symlinks_and_crlf_are_refused(tmp_path, cache, series, odd):
    proj = series[0]
    tree = fresh(series, tmp_path / "linux")
    d3 = tree / "drivers/iommu/d3"
    if odd == "dir-link":               # a driver directory kept elsewhere
        shutil.move(d3, tmp_path / "d3-elsewhere")
        d3.symlink_to(tmp_path / "d3-elsewhere")
        what = "a symbolic link"
    elif odd == "file-link":
        shutil.move(d3 / "d3.c", tmp_path / "d3.c")
        (d3 / "d3.c").symlink_to(tmp_path / "d3.c")
        what = "a symbolic link"
    else:
        (d3 / "d3.c").write_bytes((d3 / "d3.c").read_bytes().replace(b"\n", b"\r\n"))
        what = "CRLF line endings"
    before = tree_hash(tree), tree_hash(tmp_path / "d3-elsewhere") \
        if odd == "dir-link" else None
    for cmd in ("apply", "dry-run"):
        rel.one_line_error(tool(proj, cmd, tree), EXIT_ODD_FILE, what)
    assert (tree_hash(tree), tree_hash(tmp_path / "d3-elsewhere")
            if odd == "dir-link" else None) == before


# --- 6. restored files get the current time -------------------------------------------

def test_restored_files_get_the_current_time(tmp_path, cache, series):
    proj = series[0]
    tree = fresh(series, tmp_path / "linux")
    old = time.time() - 3600 * 24 * 365
    for f in (tree / "drivers").rglob("*.c"):
        os.utime(f, (old, old))
    kill_in_swap(proj, tree)
    t0 = time.time() - 2
    p = tool(proj, "restore", tree)
    assert p.returncode == 0, p.stderr
    restored = tree / "drivers/iommu/bar/bar.c"      # the file the run replaced
    assert restored.stat().st_mtime >= t0
    assert (tree / "drivers/iommu/d5/d5.c").stat().st_mtime < t0   # never replaced


# --- 7. series into the same OUT, any number of times -----------------------------------

CAMEL_CHECKPATCH = ts.CHECKPATCH.replace(
    "my $f = $ARGV[-1];",
    "open(my $c, '>', '.checkpatch-camelcase.git.x'); close $c; my $f = $ARGV[-1];")


def test_series_twice_into_the_same_out(tmp_path, monkeypatch):
    """checkpatch leaves .checkpatch-camelcase.* in its working directory;
    it must not be OUT (nor the tree)."""
    monkeypatch.setattr(ts, "CHECKPATCH", CAMEL_CHECKPATCH)
    env = {"GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1",
           "IPM_CACHE": str(tmp_path / "cache"), "NO_COLOR": ""}
    (tmp_path / "gitconfig").write_text("[user]\n\tname = Ann Example\n"
                                        "\temail = ann@example.org\n")
    proj, tree = ts.project(tmp_path), ts.kernel(tmp_path)
    for _ in range(2):
        p = tool(proj, "series", tree, "--out", tmp_path / "out", env=env)
        assert p.returncode == 0, p.stdout + p.stderr
        p = tool(proj, "series", tree, env=env)             # the default OUT
        assert p.returncode == 0, p.stdout + p.stderr
    assert not list((tmp_path / "out").glob(".checkpatch-camelcase*"))
    assert not list(tree.rglob(".checkpatch-camelcase*"))
