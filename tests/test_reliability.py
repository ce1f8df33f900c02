"""Reliability of apply on small fake trees with real spatch and patch:
bad input (one line, a distinct exit code, the tree untouched), paths with
shell metacharacters through the script and make, a file spatch cannot
parse, concurrent runs, signals at random moments, and no writes outside
the tree and the cache.

The signal loop is seeded; the seed is printed (pytest -s, or in the
failure report).  Rerun one with IPM_RELIABILITY_SEED=N, make it longer
with IPM_RELIABILITY_RUNS=N."""

import os
import random
import shlex
import shutil
import signal
import subprocess
import time

import pytest

from conftest import ROOT
from faketree import (FREE_PAGE_RULE, make_project, make_series_tree,
                      make_tree, scope_contents, series_steps, tool, tool_argv,
                      tree_hash, wait_for)
from ipm import errors
from ipm.errors import (EXIT_BUSY, EXIT_DIRTY, EXIT_FINDINGS, EXIT_INTERRUPTED,
                        EXIT_MANIFEST, EXIT_NO_PATH, EXIT_NO_TOOL,
                        EXIT_NOT_DIR, EXIT_NOT_KERNEL, EXIT_READ_ONLY,
                        EXIT_UNSUPPORTED, EXIT_USAGE)

PYTHON = "/usr/bin/python3"
ODD_NAME = "k e$r;n'el\"&"     # spaces and shell metacharacters


# --- shared fixtures ----------------------------------------------------------

@pytest.fixture(scope="module")
def series(tmp_path_factory):
    """(project, pristine tree, hash of the pristine tree, hash after a
    clean apply): the four-step series of faketree, with the Makefile."""
    base = tmp_path_factory.mktemp("series")
    proj = make_project(base / "proj", series_steps(), extra=("Makefile", "check"))
    pristine = make_series_tree(base / "pristine")
    ref = base / "ref"
    shutil.copytree(pristine, ref)
    p = tool(proj, "apply", ref, env={"IPM_CACHE": str(base / "cache")})
    assert p.returncode == 0, p.stdout + p.stderr
    assert tree_hash(ref) != tree_hash(pristine)
    return proj, pristine, tree_hash(pristine), tree_hash(ref)


def fresh(series, dest):
    proj, pristine, before, applied = series
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(pristine, dest)
    return dest


def one_line_error(p, code, *texts):
    """P failed with CODE and exactly one line on stderr holding TEXTS."""
    lines = p.stderr.splitlines()
    assert p.returncode == code, (p.returncode, p.stdout, p.stderr)
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("apply-series: error: "), lines[0]
    for t in texts:
        assert t in lines[0], (t, lines[0])


def git(tree, *args):
    subprocess.run(["git", "-C", str(tree), *args], check=True, capture_output=True)


def git_tree(path, series):
    tree = fresh(series, path)
    git(tree, "init", "-q")
    git(tree, "add", "-A")
    git(tree, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "base")
    return tree


def mount_ns_available():
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    p = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh",
                        "-c", "mount --bind /tmp /tmp && mount -o remount,bind,ro /tmp"],
                       capture_output=True)
    return p.returncode == 0


MOUNT_NS = mount_ns_available()
needs_mount_ns = pytest.mark.skipif(
    not MOUNT_NS, reason="needs root with unshare --mount (private mount "
    "namespace) to make directories really read-only")


def in_mount_ns(argv, ro=(), rw=(), **kw):
    """Run ARGV in a private mount namespace where the directories RO are
    read-only and the directories RW (which may lie inside them) writable."""
    lines = ["set -e"]
    for d in ro:
        q = shlex.quote(str(d))
        lines += [f"mount --bind {q} {q}", f"mount -o remount,bind,ro {q}"]
    for d in rw:
        q = shlex.quote(str(d))
        lines += [f"mount --bind {q} {q}", f"mount -o remount,bind,rw {q}"]
    lines.append('exec "$@"')
    return subprocess.run(["unshare", "--mount", "--propagation", "private",
                           "sh", "-c", "\n".join(lines), "sh", *map(str, argv)],
                          capture_output=True, text=True, **kw)


# --- 1. bad input ---------------------------------------------------------------

def test_exit_codes_are_distinct():
    codes = {k: v for k, v in vars(errors).items() if k.startswith("EXIT_")}
    assert len(set(codes.values())) == len(codes), codes
    # the meanings scripts already rely on
    assert (codes["EXIT_OK"], codes["EXIT_FINDINGS"], codes["EXIT_USAGE"],
            codes["EXIT_DIRTY"], codes["EXIT_BUSY"], codes["EXIT_JOURNAL"],
            codes["EXIT_INTERRUPTED"]) == (0, 1, 2, 3, 4, 5, 130)
    readme = (ROOT / "README.md").read_text()
    for name, code in codes.items():
        assert f"\n| {code} |" in readme, f"{name} = {code} missing from README"


def bad_path_cases(tmp_path, series):
    """(name, path, code, text) for each kind of bad KERNEL."""
    (tmp_path / "file").write_text("x")
    (tmp_path / "empty").mkdir()
    no_iommu = make_tree(tmp_path / "no-iommu")
    shutil.rmtree(no_iommu / "drivers/iommu")
    old = fresh(series, tmp_path / "linux-6.1")
    (old / "drivers/iommu/iommu-pages.h").unlink()
    return [
        ("missing", tmp_path / "missing", EXIT_NO_PATH, "no such file or directory"),
        ("file", tmp_path / "file", EXIT_NOT_DIR, "not a directory"),
        ("empty", tmp_path / "empty", EXIT_NOT_KERNEL, "not a kernel tree"),
        ("no-iommu", no_iommu, EXIT_NOT_KERNEL, "no drivers/iommu"),
        ("6.1-shaped", old, EXIT_UNSUPPORTED, "unsupported base: no drivers/iommu/iommu-pages.h"),
    ]


def test_bad_paths(tmp_path, cache, series):
    proj = series[0]
    for name, path, code, text in bad_path_cases(tmp_path, series):
        before = tree_hash(path) if path.is_dir() else None
        for cmd in ("apply", "dry-run", "check"):
            if cmd == "check" and code == EXIT_UNSUPPORTED:
                continue        # check reports on any kernel tree
            p = tool(proj, cmd, path)
            one_line_error(p, code, text)
        if before:
            assert tree_hash(path) == before, name


@pytest.mark.parametrize("argv", [["apply"], ["frob"], ["apply", "/x", "--bogus"]])
def test_command_line_errors(tmp_path, cache, series, argv):
    p = tool(series[0], *argv)
    one_line_error(p, EXIT_USAGE, "(see --help)")


@pytest.mark.parametrize("steps", ["0", "24", "5-3", "abc", "1-", "3,,4"])
def test_unknown_step_range(tmp_path, cache, series, steps):
    tree = fresh(series, tmp_path / "linux")
    p = tool(series[0], "apply", tree, "--steps", steps)
    one_line_error(p, EXIT_USAGE, "STEPS:")
    assert tree_hash(tree) == series[2]


def test_planned_step(tmp_path, cache, series):
    tree = fresh(series, tmp_path / "linux")
    p = tool(series[0], "apply", tree, "--steps", "4-5")
    one_line_error(p, EXIT_USAGE, "step(s) 05 not written yet")
    assert tree_hash(tree) == series[2]


def test_spatch_missing(tmp_path, cache, series):
    """PATH holds every program the tool runs but spatch."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    for prog in ("patch", "git", "diff", "sh"):
        os.symlink(shutil.which(prog), bin_ / prog)
    tree = fresh(series, tmp_path / "linux")
    for cmd in ("apply", "dry-run"):
        p = tool(series[0], cmd, tree, env={"PATH": str(bin_)})
        one_line_error(p, EXIT_NO_TOOL, "spatch not found", "'coccinelle'")
    assert tree_hash(tree) == series[2]


def test_manifest_names_missing_rule(tmp_path, cache, series):
    proj = make_project(tmp_path / "proj", series_steps())
    (proj / "cocci" / "02-s2" / "alloc.cocci").unlink()
    tree = fresh(series, tmp_path / "linux")
    for cmd in (["apply", tree], ["dry-run", tree], ["check", tree], ["steps"]):
        p = tool(proj, *cmd)
        one_line_error(p, EXIT_MANIFEST,
                       "series.toml: step 2: missing file cocci/02-s2/alloc.cocci")
    assert tree_hash(tree) == series[2]


@pytest.mark.skipif(not MOUNT_NS and os.geteuid() == 0,
                    reason="as root only a read-only mount stops writes, and "
                    "unshare --mount is not permitted here")
def test_read_only_tree(tmp_path, cache, series):
    tree = fresh(series, tmp_path / "linux")
    script = series[0] / "scripts/apply-series.py"
    if MOUNT_NS:
        def run(cmd):
            return in_mount_ns([PYTHON, script, cmd, tree], ro=[tree])
    else:               # not root: permissions are enough
        for d in [tree, *[p for p in tree.rglob("*") if p.is_dir()]]:
            d.chmod(0o555)

        def run(cmd):
            return tool(series[0], cmd, tree)
    try:
        p = run("apply")
        one_line_error(p, EXIT_READ_ONLY, "not writable (read-only tree?)")
        assert tree_hash(tree) == series[2]
        # reading is fine: dry-run works on a read-only tree
        p = run("dry-run")
        assert p.returncode == 0, p.stderr
    finally:
        for d in [tree, *[p for p in tree.rglob("*") if p.is_dir()]]:
            d.chmod(0o755)


@pytest.mark.parametrize("change", ["modified", "staged", "untracked", "deleted"])
def test_dirty_git_tree_in_scope_is_refused(tmp_path, cache, series, change):
    tree = git_tree(tmp_path / "linux", series)
    if change == "modified":
        with open(tree / "drivers/iommu/foo.c", "a") as f:
            f.write("/* local work */\n")
    elif change == "staged":
        with open(tree / "include/linux/iommu.h", "a") as f:
            f.write("/* local work */\n")
        git(tree, "add", "include/linux/iommu.h")
    elif change == "untracked":
        (tree / "drivers/iommu/new.c").write_text("int x;\n")
    else:
        (tree / "drivers/iommu/d2/d2.c").unlink()
    before = tree_hash(tree)
    p = tool(series[0], "apply", tree)
    one_line_error(p, EXIT_DIRTY, "uncommitted changes")
    if change == "untracked":
        assert "drivers/iommu/new.c" in p.stderr
    assert tree_hash(tree) == before


def test_changes_outside_scope_are_allowed(tmp_path, cache, series):
    tree = git_tree(tmp_path / "linux", series)
    (tree / "arch").mkdir()
    (tree / "arch/notes.txt").write_text("untracked, elsewhere\n")
    with open(tree / "Kconfig", "a") as f:
        f.write("# local change, elsewhere\n")
    p = tool(series[0], "apply", tree)
    assert p.returncode == 0, p.stderr
    shutil.rmtree(tree / ".git")
    (tree / "arch/notes.txt").unlink()
    (tree / "arch").rmdir()
    (tree / "Kconfig").write_text((series[1] / "Kconfig").read_text())
    assert tree_hash(tree) == series[3]


# --- paths with spaces and shell metacharacters ------------------------------------

def make(proj, target, kernel, **kw):
    # -o deps: the Debian packages are there (the suite runs); do not let
    # a package list that grew meanwhile start apt-get from a test.
    return subprocess.run(["make", "-s", "-o", "deps", "-C", str(proj), target,
                           f"KERNEL={kernel}"],
                          capture_output=True, text=True, **kw)


def test_odd_path_via_script_and_make(tmp_path, cache, series):
    proj = series[0]
    d = tmp_path / ODD_NAME
    tree = fresh(series, d / ODD_NAME)
    p = tool(proj, "apply", tree)
    assert p.returncode == 0, p.stderr
    assert tree_hash(tree) == series[3]

    tree = fresh(series, d / ODD_NAME)
    p = make(proj, "dry-run", tree)
    assert p.returncode == 0, p.stderr
    assert f"dry run: {tree} was not modified" in p.stdout
    p = make(proj, "apply", tree)
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"migrated tree: {tree}" in p.stdout
    assert tree_hash(tree) == series[3]
    p = make(proj, "check", tree)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "summary: 0 finding(s)" in p.stdout
    p = make(proj, "restore", tree)
    assert p.returncode == 0, p.stderr
    assert f"{tree}: nothing to restore" in p.stdout
    # nothing was created next to the tree (a word of the path taken apart)
    assert sorted(os.listdir(d)) == [ODD_NAME]
    assert sorted(os.listdir(tmp_path)) == sorted(["cache", ODD_NAME])


# --- a file spatch cannot parse -----------------------------------------------------

# asm goto (static keys use it) is valid GNU C that spatch 1.1.1 cannot parse:
# it skips the whole function, and with it the call site inside.
UNPARSABLE = """\
// SPDX-License-Identifier: GPL-2.0-only
#include "iommu-pages.h"

static void baz_free_tables(struct baz_domain *dom)
{
	asm goto("" :::: out);
	iommu_free_page(dom->pgd);
out:
	iommu_free_page(dom->ctx);
}

static void baz_put(struct baz_domain *dom)
{
	iommu_free_page(dom->ctx);
}
"""


def test_unparsable_function_fails_the_step(tmp_path, cache):
    rel = "drivers/iommu/baz.c"
    tree = make_tree(tmp_path / "linux", {rel: UNPARSABLE})
    q = subprocess.run(["spatch", "--parse-c", str(tree / rel)],
                       capture_output=True, text=True)
    assert "BAD:!!!!! \tasm goto" in q.stdout + q.stderr, "the fixture must not parse"
    gcc = subprocess.run(["gcc", "-fsyntax-only", "-x", "c", "-"], capture_output=True,
                         text=True, input="struct baz_domain { void *pgd, *ctx; };\n"
                         "void iommu_free_page(void *p);\n" +
                         UNPARSABLE.replace('#include "iommu-pages.h"', ""))
    assert gcc.returncode == 0, gcc.stderr   # ... and really is C
    proj = make_project(tmp_path / "proj", [
        {"rules": {"free-page.cocci": FREE_PAGE_RULE},
         "gone": [r"\biommu_free_page\(dom"]}])
    before = tree_hash(tree)
    p = tool(proj, "apply", tree)
    assert p.returncode == EXIT_FINDINGS, p.stdout + p.stderr
    err = p.stderr.splitlines()
    assert err[0] == ("apply-series: error: step 01-s1: 2 call site(s) not "
                      "converted by any rule:")
    note = (" (spatch could not parse baz_free_tables: parse error at line 6; "
            "no rule sees this function (a macro for cocci/parsing_hacks.h?))")
    assert err[1:] == [
        f"  {rel}:7: baz_free_tables: iommu_free_page(dom->pgd);{note}",
        f"  {rel}:9: baz_free_tables: iommu_free_page(dom->ctx);{note}"]
    assert "the tree is as it was before the run" in p.stdout
    assert tree_hash(tree) == before
    # dry-run stops the same way: no diff of a half-done step
    p = tool(proj, "dry-run", tree)
    assert p.returncode == EXIT_FINDINGS
    assert "diff --git" not in p.stdout


# --- concurrency --------------------------------------------------------------------

def start(proj, *args, env=None, pause=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.Popen(tool_argv(proj, *args, pause=pause), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=e,
                            start_new_session=True)




@pytest.mark.parametrize("when", ["applying", "writing"])
def test_second_run_is_refused_and_first_completes(tmp_path, cache, series, when):
    """A second apply (and a restore) while the first runs its steps or
    swaps files in: refused in one line, exit 4; the first completes."""
    proj = series[0]
    tree = fresh(series, tmp_path / "linux")
    first = start(proj, "apply", tree, pause=0.3)
    wait_for(first, when)
    for cmd in ("apply", "restore"):
        p = tool(proj, cmd, tree)
        one_line_error(p, EXIT_BUSY, "another run is working on this tree")
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, out + err
    assert tree_hash(tree) == series[3]


def test_two_runs_started_together(tmp_path, cache, series):
    proj = series[0]
    tree = fresh(series, tmp_path / "linux")
    runs = [start(proj, "apply", tree, pause=0.1)
            for _ in range(2)]
    outputs = [r.communicate(timeout=60) for r in runs]
    done = [(r.returncode, out, err) for r, (out, err) in zip(runs, outputs)]
    codes = sorted(c for c, _, _ in done)
    # one wins the lock; the other is refused, or, if it came after the
    # winner had finished, finds the tree converted
    assert codes in ([0, EXIT_BUSY], [0, 0]), done
    for c, out, err in done:
        if c == EXIT_BUSY:
            assert len(err.splitlines()) == 1 and "another run" in err
    assert tree_hash(tree) == series[3]


# --- 2. signals at random moments ----------------------------------------------------

def test_signals_at_random_moments(tmp_path, cache, series):
    """SIGINT, SIGTERM and SIGKILL at random moments of apply.  Afterwards
    the tree is as before, or (SIGKILL during the swap) 'make restore'
    brings it back, or (the signal came after the end) it is the clean
    apply; every file is always either its old or its new version."""
    proj, pristine, before, applied = series
    seed = int(os.environ.get("IPM_RELIABILITY_SEED") or time.time_ns() % 10**6)
    runs = int(os.environ.get("IPM_RELIABILITY_RUNS") or 24)
    print(f"signal loop: seed {seed} (IPM_RELIABILITY_SEED={seed} reproduces), {runs} runs")
    rnd = random.Random(seed)
    old_files = scope_contents(pristine)
    ref = tmp_path / "ref"
    shutil.copytree(pristine, ref)
    assert tool(proj, "apply", ref).returncode == 0
    new_files = scope_contents(ref)
    nfiles = sum(old_files.get(k) != v for k, v in new_files.items())
    t0 = time.monotonic()
    p = tool(proj, "dry-run", pristine)
    span = time.monotonic() - t0           # about one apply, without the swap
    assert p.returncode == 0
    stats = {"completed": 0, "before writing": 0, "rolled back": 0, "restored": 0}
    tree = tmp_path / "linux"
    for i in range(runs):
        fresh(series, tree)
        in_swap = i % 3 == 2                      # aim at the swap:
        if in_swap:                               # SIGKILL and a catchable
            sig = signal.SIGKILL if i % 6 == 2 else rnd.choice([signal.SIGINT, signal.SIGTERM])
        else:
            sig = rnd.choice([signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
        delay = 0.15 if in_swap else 0.0
        proc = start(proj, "apply", tree, pause=delay)
        seen = []
        if in_swap:
            seen = wait_for(proc, "writing")
            wait = rnd.uniform(0, delay * (nfiles - 1))
        else:
            wait = rnd.uniform(0, span * 1.2)
        time.sleep(wait)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
        out = "".join(seen) + out
        try:
            os.killpg(proc.pid, signal.SIGKILL)   # spatch orphaned by SIGKILL
        except ProcessLookupError:
            pass
        what = f"run {i} (seed {seed}): {sig.name} after {wait:.2f} s" + \
            (" in the swap" if in_swap else "") + f", exit {proc.returncode}"
        journal = list((cache / "runs").glob("*/journal.json"))
        now = scope_contents(tree)
        for rel in set(now) | set(old_files):
            assert now.get(rel) in (old_files.get(rel), new_files.get(rel)), \
                f"{what}: {rel} is neither its old nor its new version"
        assert not list(tree.rglob("*.ipm-new")) or journal, what
        assert not (tree / "drivers/iommu/.ipm-journal").exists() or journal, what
        wrote = "writing" in out
        if proc.returncode == 0:
            assert tree_hash(tree) == applied, what
            assert not journal, what
            outcome = "completed"
        elif sig != signal.SIGKILL:
            if not out and (proc.returncode == -sig or (
                    sig == signal.SIGINT and "KeyboardInterrupt" in err)):
                pass    # during Python's start, before the tool's handlers
                        # (killed, or site import stopped by KeyboardInterrupt)
            else:
                assert proc.returncode == EXIT_INTERRUPTED, f"{what}: {err}"
                assert f"interrupted by {sig.name}" in err, what
            assert tree_hash(tree) == before and not journal, what
            outcome = "rolled back" if wrote else "before writing"
        elif journal:
            p = make(proj, "restore", tree)
            assert p.returncode == 0, f"{what}: {p.stderr}"
            assert "restored" in p.stdout, what
            assert tree_hash(tree) == before, what
            outcome = "restored"
        else:
            h = tree_hash(tree)
            assert h in (before, applied), what
            outcome = "completed" if h == applied else "before writing"
        stats[outcome] += 1
        print(f"  {what}: {outcome}")
        if i % 6 == 5:          # the tree is usable afterwards: a clean apply
            fresh(series, tree)
            p = tool(proj, "apply", tree)
            assert p.returncode == 0, f"{what}: then apply: {p.stderr}"
            assert tree_hash(tree) == applied, what
    print("signal loop:", ", ".join(f"{k} {v}" for k, v in stats.items()))
    assert stats["restored"] >= 1, stats          # SIGKILL in the swap
    assert stats["rolled back"] >= 1, stats       # SIGINT/SIGTERM in the swap
    assert stats["before writing"] >= 1, stats


# --- 5. nothing written outside the tree and the cache --------------------------------

@needs_mount_ns
def test_writes_only_tree_and_cache(tmp_path, series):
    """HOME, /tmp, /var, /root, /work, /etc and the project are read-only;
    only the cache (in HOME) and the tree are writable.  apply, dry-run,
    check and restore must work, and HOME must not gain a file."""
    proj = series[0]
    home = tmp_path / "home"
    cache_dir = home / ".cache" / "iommu-pages-migrate"
    cache_dir.mkdir(parents=True)
    (home / ".profile").write_text("# a user's file\n")
    tree = fresh(series, tmp_path / "linux")

    def listing(root):
        return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                      if cache_dir not in (p, *p.parents))
    home_before, tmp_before = listing(home), sorted(os.listdir(tmp_path))
    ro = [d for d in ("/tmp", "/var", "/root", "/home", "/work", "/etc", "/opt",
                      "/srv", "/mnt", "/dev/shm", str(ROOT), str(tmp_path))
          if os.path.isdir(d)]
    env = {k: v for k, v in os.environ.items()
           if k not in ("IPM_CACHE", "XDG_CACHE_HOME", "TMPDIR")}
    env["HOME"] = str(home)
    script = str(proj / "scripts" / "apply-series.py")
    for cmd in ("dry-run", "apply", "check", "restore"):
        p = in_mount_ns([PYTHON, script, cmd, tree], ro=ro, rw=[cache_dir, tree],
                        env=env)
        assert p.returncode == 0, f"{cmd}: {p.stdout[-2000:]}{p.stderr}"
    assert tree_hash(tree) == series[3]
    assert listing(home) == home_before
    assert sorted(os.listdir(tmp_path)) == tmp_before
    assert (cache_dir / "runs").is_dir()      # the cache was used


# --- on the real base (marker kernel) -----------------------------------------------

@pytest.mark.kernel
def test_odd_path_on_the_real_base(tmp_path, monkeypatch):
    """make dry-run and check on a real 6.12 tree whose path has spaces and
    shell metacharacters (a copy of just what the tool reads)."""
    from ipm import bases
    base = bases.pristine("6.12", print)         # from the usual cache
    monkeypatch.setenv("IPM_CACHE", str(tmp_path / "cache"))
    tree = tmp_path / ODD_NAME / ODD_NAME
    for rel in ("Makefile", "Kconfig", "include/linux/iommu.h"):
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(base / rel, tree / rel)
    shutil.copytree(base / "drivers/iommu", tree / "drivers/iommu")
    before = tree_hash(tree)
    p = subprocess.run(["make", "-s", "-o", "deps", "-C", str(ROOT), "dry-run",
                        f"KERNEL={tree}", "STEPS=1-2"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "=== step 02:" in p.stdout and "--- a/drivers/iommu/tegra-smmu.c" in p.stdout
    p = make(ROOT, "check", tree)
    # the base is unconverted: check exits 1, which make reports as its 2
    assert p.returncode == 2 and "Error 1" in p.stderr, p.stderr
    assert "old API call" in p.stdout
    assert tree_hash(tree) == before
