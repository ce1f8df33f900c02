"""'make bisect-check': every step of the series leaves drivers/iommu buildable.

bisect_check(tree, steps, scope, say, arch, fmt)
  Applies the steps one at a time, with the runner of 'apply', to a scratch
  copy of the tree in the cache (<cache>/bisect/<key>/tree, deleted at the
  end) and builds drivers/iommu for each architecture after each step, in
  kbuild's build directories configured as for verify (no sparse).  A step
  that changes nothing is not rebuilt.
run_bisect(tree, steps, scope, arches, say, apply_step, build)
  The loop of bisect_check with the step runner and the builder given
  (the tests pass fakes).

Exit codes: 0 every step applied and built, 1 the tree does not build
before any step or a step does not apply or build (the first is named);
ToolErrors: 2 bad input (unknown --arch, a tree configured in place), 4 a
build directory or the scratch copy in use, 11 a missing tool or build
header."""

import pathlib
import shutil
import time

from . import kbuild, procs, runner, tree as treemod
from .errors import ToolError, EXIT_OK, EXIT_FINDINGS


def scratch_path(tree):
    return treemod.cache_root() / "bisect" / kbuild.tree_key(tree) / "tree"


def copy_tree(src, dst):
    """A copy of SRC at DST with times kept (cp -a), without .git."""
    src, dst = pathlib.Path(src), pathlib.Path(dst)
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    entries = [str(e) for e in sorted(src.iterdir()) if e.name != ".git"]
    if entries:
        p = procs.run(["cp", "-a", "--", *entries, str(dst)],
                      capture_output=True, text=True)
        if p.returncode != 0:
            shutil.rmtree(dst, ignore_errors=True)
            err = p.stderr.strip().splitlines()
            raise ToolError(f"copying {src} failed: {err[-1] if err else p.returncode}")
    # cp -a gave DST the times of SRC's files but DST itself is new: fine.
    return dst


def bisect_check(tree, steps, scope, say, arch="x86_64,arm64", fmt=None):
    """make bisect-check: every step of STEPS must leave drivers/iommu buildable.

    TREE   the unmigrated kernel tree (only read: the steps are applied to a
           scratch copy in the cache, deleted at the end)
    STEPS  manifest.Step objects in the order to apply (the ready ones)
    SCOPE  series.scope
    ARCH   'x86_64,arm64' or a subset
    FMT    fmt.Formatting of the run (the lines the rules change are
           formatted as 'apply' formats them)
    Returns EXIT_OK, or EXIT_FINDINGS naming the first step that does not
    apply or does not build; a ToolError for a missing tool (exit 11) or
    an unclean tree (exit 2)."""
    arches = kbuild.parse_arches(arch)
    kbuild.require_tools(arches, sparse=False)
    tree = pathlib.Path(tree).resolve()
    kbuild.require_clean(tree)
    kbuild.prune_orphans(say)

    def build(scratch, a):
        bd = kbuild.BuildDir(scratch, a, scope, owner=tree)
        with bd.locked():
            bd.sync(say)
            conf = bd.configure()
            if not conf.ok:
                return conf
            res = bd.build()
            res.seconds += conf.seconds     # usually 0: configured already
            return res

    return run_bisect(tree, steps, scope, arches, say,
                      apply_step=lambda step, stage: runner.run_step(
                          step, stage, scope, fmt=fmt),
                      build=build)


def run_bisect(tree, steps, scope, arches, say, apply_step, build):
    """The loop of bisect_check, with the step runner and the builder given
    (apply_step(step, scratch) -> object with .changes; build(scratch, arch)
    -> kbuild.Result)."""
    scratch = scratch_path(tree)
    t_all = time.monotonic()
    with kbuild.lock(scratch.parent / "lock"):
        say(f"bisect-check {tree}: copying it to {scratch}")
        t0 = time.monotonic()
        try:
            copy_tree(tree, scratch)
            say(f"copied in {time.monotonic() - t0:.0f} s; "
                f"{len(steps)} step(s) to check on {', '.join(a.name for a in arches)}")

            def build_all(label):
                for a in arches:
                    res = build(scratch, a)
                    kbuild.line(say, a.name, label, res)
                    if not res.ok:
                        return a
                return None

            bad = build_all("base")
            if bad:
                say(f"bisect-check: FAIL: the tree does not build before any "
                    f"step ({bad.name})")
                return EXIT_FINDINGS
            applying, broken = [], []       # (step, start) while one applies

            def built(res):
                step, t0 = applying.pop()
                n = len(res.changes)
                say(f"step {step.number:02d} {step.name}: applied, {n} file"
                    f"{'s' if n != 1 else ''} changed, {time.monotonic() - t0:.1f} s")
                if not n:
                    say(f"step {step.number:02d}: nothing changed, build skipped")
                    return False
                bad = build_all(f"step{step.number:02d}")
                if bad:
                    say(f"bisect-check: FAIL: step {step.number:02d} ({step.name}) "
                        f"does not build on {bad.name}")
                    broken.append(step)
                return bool(bad)
            try:
                runner.run_series(steps, scratch, scope, apply=apply_step, on_step=built,
                                  before_step=lambda s: applying.append((s, time.monotonic())))
            except ToolError as e:
                if not applying:            # not from a step: from a build
                    raise
                step = applying[-1][0]
                say(f"step {step.number:02d} {step.name}: FAIL, does not apply: "
                    f"{str(e).splitlines()[0]}")
                for l in str(e).splitlines()[1:]:
                    say(f"    {l}")
                say(f"bisect-check: FAIL at step {step.number:02d} ({step.name})")
                return EXIT_FINDINGS
            if broken:
                return EXIT_FINDINGS
            say(f"bisect-check: PASS ({len(steps)} step(s), "
                f"{', '.join(a.name for a in arches)}) in "
                f"{time.monotonic() - t_all:.0f} s")
            return EXIT_OK
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
