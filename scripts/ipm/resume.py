"""Which steps of the series a tree already has, so that 'apply' (and
'series') can continue a tree that was stopped midway, e.g. after
`apply --steps 1-10`.

A tree is taken to be the state after steps 1..k of the series, for one k.
Everything runs on a scratch copy of the scope; the tree is only read.

1. Forward probe, step by step from 01 on the copy:
   * the step's rules run (without its hand patches); if they change
     anything, the step is pending: k is the step before it;
   * a rules-only step whose rules change nothing and whose gone patterns
     match nothing counts as applied (or as nothing to do on this base:
     the same tree either way); if a gone pattern matches, it is pending
     (the real run then reports the sites);
   * a step with hand patches is pending if they all apply forward
     (`patch --dry-run`), applied if none of them does.
2. Confirmation of k: on the copy, the hand patches of steps k..1 are
   reversed for real, latest first, each step's patches in reverse order.
   On the tree the series leaves after step k that always works (rules
   never touch hand-written code).  If the latest of them neither applies
   nor reverses, that step is taken as pending (k drops below it) and the
   run reports its patch as not applying, as on a fresh tree; a later
   failure means a tree changed by hand.
3. Nothing beyond: no hand patch of a step after k reverses on the tree
   (a later step present while an earlier one is missing).  Only patches
   that add lines count: a patch that only deletes lines (step 06's)
   reverses wherever its context lines are adjacent.
Without a hand-patch step among 1..k (confirmed by 2.) k is 0: rules
that change nothing prove nothing, the tree may simply be fresh.
Any other finding (a step whose patches apply in part, a failed reversal,
a later step present) is refused in one line with EXIT_MIXED; the tree is
left alone.

Limits: a rules-only step that was run out of order (before the steps it
follows) cannot be told from "nothing to do"; it is harmless for the
conversion's result, since the step changes nothing when its turn comes.
"""

import dataclasses
import pathlib
import tempfile

from . import procs, runner, tree as treemod
from .errors import ToolError, EXIT_MIXED


def patch_ok(patch, stage, reverse=False, dry=True):
    argv = ["patch", "-p1", "-F0", "-s", "-f", "--no-backup-if-mismatch",
            "-r", "-", "-d", str(stage), "-i", str(patch)]
    argv += ["-R"] if reverse else ["-N"]
    if dry:
        argv.append("--dry-run")
    return procs.run(argv, capture_output=True).returncode == 0


def adds(patch):
    """Does PATCH add lines?  Only then is its reversal evidence that it was
    applied: a hunk that only deletes reverses wherever its context lines
    happen to be adjacent, e.g. around a whole function it removes."""
    return any(l.startswith("+") and not l.startswith("+++")
               for l in pathlib.Path(patch).read_text().splitlines())


def _restore(stage, snapshot, scope):
    now = treemod.read_scope(stage, scope)
    for rel, data in treemod.changes(now, snapshot).items():
        p = pathlib.Path(stage) / rel
        if data is None:
            p.unlink(missing_ok=True)
        else:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)


def classify(step, stage, scope):
    """'applied' or 'pending' for STEP on STAGE (left as it was);
    ToolError(EXIT_MIXED) when its hand patches apply only in part."""
    snapshot = treemod.read_scope(stage, scope)
    rules_only = dataclasses.replace(step, patches=(), gone=())
    res = runner.run_step(rules_only, stage, scope, struct_page_gate=False)
    if res.changes:
        _restore(stage, snapshot, scope)
        return "pending"
    if not step.patches:
        files = step.gone_files(rel for rel in sorted(snapshot) if runner.SOURCE.search(rel))
        return "pending" if runner.leftovers(stage, files, step.gone) else "applied"
    fwd = [patch_ok(p.path, stage) for p in step.patches]
    if all(fwd):
        return "pending"
    if not any(fwd):
        return "applied"
    raise ToolError(f"step {step.name}: some of its hand patches apply and some do "
                    "not: the tree is part way through this step; cannot continue it",
                    EXIT_MIXED)


def span(a, b):
    return f"{a:02d}" if a == b else f"{a:02d}-{b:02d}"


def applied_prefix(tree, series, scope, say=None):
    """k: steps 1..k of SERIES are in TREE (0 for an unconverted base)."""
    ready = [s for s in series.steps if s.ready]
    root = treemod.cache_root() / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="resume.", dir=root,
                                     ignore_cleanup_errors=True) as tmp:
        stage = pathlib.Path(tmp) / "stage"
        runner.restage(tree, stage, scope)
        k = 0
        for step in ready:
            if classify(step, stage, scope) == "pending":
                break
            k = step.number
        # 2. the hand patches of steps k..1 reverse, latest first
        runner.restage(tree, stage, scope)
        latest = True
        for step in reversed([s for s in ready if s.number <= k and s.patches]):
            bad = next((p for p in reversed(step.patches)
                        if not patch_ok(p.path, stage, reverse=True, dry=False)), None)
            if bad and latest:
                # neither applies nor reverses: a patch that does not fit
                # this tree; the step is pending and the run reports it
                k = step.number - 1
                runner.restage(tree, stage, scope)
            elif bad:
                raise ToolError(
                    f"{tree}: steps {span(1, k)} look applied, but the hand patch "
                    f"{bad.path.parent.name}/{bad.path.name} of step {step.number:02d} "
                    "is not in the tree as the series leaves it (changed by hand?); "
                    "cannot tell which steps are applied", EXIT_MIXED)
            latest = False
        # a tree where only rules-only steps found nothing to do is a fresh
        # one (or those steps are no-ops here): nothing to report or skip
        if not any(s.patches for s in ready if s.number <= k):
            k = 0
        # 3. no later step present
        runner.restage(tree, stage, scope)
        for step in [s for s in ready if s.number > k]:
            if step.patches and all(adds(p.path) and patch_ok(p.path, stage, reverse=True)
                                    for p in step.patches):
                done = f"steps {span(1, k)} are" if k else "no step before it is"
                if step.number == k + 1:
                    what = f"step {step.number:02d} is applied only in part ({done})"
                else:
                    what = (f"step {step.number:02d} looks applied but step "
                            f"{k + 1:02d} is not ({done})")
                raise ToolError(f"{tree}: {what}: the applied steps are not a prefix "
                                "of the series; cannot continue", EXIT_MIXED)
    return k
