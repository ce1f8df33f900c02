#!/usr/bin/env python3
"""iommu-pages-migrate: convert a kernel tree's IOMMU drivers to the
size-based iommu-pages API, one step of series.toml at a time.

Commands (each also a make target, see README.md):
  apply    KERNEL [--steps S]   migrate the tree in place, all or nothing
  dry-run  KERNEL [--steps S] [--format diff|series]
                                print each step's diff (or the series as an mbox)
                                and a per-step summary; the tree is not touched
  series   KERNEL [--out DIR] [--version N] [--steps S]
                                the steps as commits and git format-patch files
  restore  KERNEL               undo a run that was killed while writing
  check    KERNEL               report old API and struct page uses
  verify   KERNEL               build and sparse-check drivers/iommu
  bisect-check KERNEL [--steps S]  apply the steps one by one to a copy, building each
  runtime  KERNEL [--arch A] [--base B] [--sanitize] [--only S]
                                boot base and migrated kernels under QEMU
  fetch    [--version V]        fetch and unpack linux-source-V into the cache
  copy     [--version V] [DEST] a fresh working copy of linux-source-V
  steps                         list the steps
"""

import argparse
import pathlib
import shutil
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from ipm import bases, detect, manifest, runner, tools, tree as treemod  # noqa: E402
from ipm.errors import ToolError, EXIT_OK, EXIT_FINDINGS, EXIT_USAGE  # noqa: E402


def say(msg=""):
    print(msg, flush=True)


def selected(series, spec, explicit):
    """Steps to run.

    Named steps must all be ready.  By default the series runs up to the
    first step still planned: a later step builds on every earlier one."""
    numbers = manifest.parse_steps(spec)
    steps = [series.step(n) for n in numbers]
    planned = [s for s in steps if not s.ready]
    if planned and explicit:
        names = ", ".join(f"{s.number:02d}" for s in planned)
        raise ToolError(f"step(s) {names} not written yet (status 'planned' in series.toml)")
    if planned:
        first = planned[0].number
        say(f"note: step {first:02d} is not written yet; running steps "
            f"01-{first - 1:02d}")
        steps = [s for s in steps if s.number < first]
    return steps


def prepare(args, series, write):
    """Validate the tree and the base; returns (tree, steps) or None if done."""
    tree = treemod.validate(args.kernel, series.scope)
    if write:
        treemod.refuse_read_only(tree, series.scope)
    st = detect.state(tree)
    if st == detect.CONVERTED:
        say(f"{tree}: already converted to the size-based iommu-pages API; nothing to do")
        return None
    steps = selected(series, args.steps, bool(args.steps))
    tools.require(*(["spatch"] if any(s.rules for s in steps) else []),
                  *(["patch"] if any(s.patches for s in steps) else []))
    return tree, steps


def skip_applied(tree, series, steps, out=say):
    """Drop the steps the tree already has (a run stopped midway, e.g. after
    --steps 1-10); see ipm/resume.py.  Returns (k, remaining steps)."""
    from ipm import resume
    if not steps:
        return 0, steps
    k = resume.applied_prefix(tree, series, series.scope)
    rest = [s for s in steps if s.number > k]
    if k:
        more = (f"continuing from step {rest[0].number:02d}" if rest
                else "nothing to do")
        out(f"steps {resume.span(1, k)} already applied; {more}")
    return k, rest


def run_series(series, steps, stage, on_step, say=say):
    for step in steps:
        res = runner.run_step(step, stage, series.scope)
        nfiles = len(res.changes)
        say(f"step {step.number:02d}/{len(series.steps)} {step.subject}: "
            f"{nfiles} file{'s' if nfiles != 1 else ''} changed, {res.seconds:.1f} s"
            + ("" if nfiles else " (no change on this base)"))
        on_step(res)


def cmd_apply(args, series):
    prep = prepare(args, series, write=True)
    if prep is None:
        return EXIT_OK
    tree, steps = prep
    run = treemod.RunDir(tree)
    with run.locked():
        run.refuse_journal()
        treemod.refuse_dirty(tree, series.scope)
        _, steps = skip_applied(tree, series, steps)
        if not steps:
            return EXIT_OK
        version = treemod.kernel_version(tree)
        say(f"applying {len(steps)} step(s) to {tree} (Linux {version})")
        stage = run.path / "stage"
        shutil.rmtree(stage, ignore_errors=True)
        stage.mkdir(parents=True)
        try:
            treemod.copy_scope(tree, stage, series.scope)
            before = treemod.read_scope(stage, series.scope)
            commands = []
            run_series(series, steps, stage,
                       lambda r: commands.extend(r.commands))
            new = treemod.changes(before, treemod.read_scope(stage, series.scope))
            (run.path / "commands.log").write_text("\n".join(commands) + "\n")
            say(f"writing {len(new)} file(s) into the tree")
            run.commit(new)
        except BaseException:
            say(f"stopped: the tree is as it was before the run ({tree})")
            raise
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    say(f"done: {len(new)} file(s) changed in {tree}")
    return EXIT_OK


def cmd_dry_run(args, series):
    from ipm import mailout
    global say
    if args.format == "series":
        say = note          # stdout is for the mbox alone
    prep = prepare(args, series, write=False)
    if prep is None:
        return EXIT_OK
    tree, steps = prep
    root = treemod.cache_root() / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    k, steps = skip_applied(tree, series, steps,
                            note if args.format == "series" else say)
    if not steps:
        return EXIT_OK
    if args.format == "series":
        return dry_run_series(args, series, tree, steps, root, k)
    rows = []
    with tempfile.TemporaryDirectory(prefix="dry-run.", dir=root) as tmp:
        stage = pathlib.Path(tmp) / "stage"
        treemod.copy_scope(tree, stage, series.scope)

        def show(res):
            rows.append(mailout.Row(res.step, res, treemod.read_scope(stage, series.scope)))
            diff = rows[-1].diff
            say(f"=== step {res.step.number:02d}: {res.step.subject}")
            if not diff:
                say("(no change on this base)\n")
                return
            say(runner.diffstat(diff))
            say()
            sys.stdout.write(diff)
            say()
        run_series(series, steps, stage, show)
    say(mailout.summary_table(rows, mailout.color_enabled(sys.stdout)))
    say(f"dry run: {tree} was not modified")
    return EXIT_OK


def dry_run_series(args, series, tree, steps, root, k=0):
    """The series as git format-patch would mail it, on stdout (an mbox);
    progress and the summary table go to stderr, so that stdout can be
    given to git am as it is."""
    from ipm import mailout
    name, email = mailout.identity(tree)
    with tempfile.TemporaryDirectory(prefix="dry-run.", dir=root) as tmp:
        tmp = pathlib.Path(tmp)
        built = mailout.build(tree, series, steps, series.scope, tmp, name, email,
                              note, on_step=lambda step, res: run_line(step, res, note))
        built.applied = f"01-{k:02d}" if k else ""
        paths, errors, warnings, checks = mailout.format_patches(
            built, series, args.version, tmp / "out", tree,
            mailout.load_checkpatch_table(), note)
        for p in paths:
            sys.stdout.write(p.read_text())
        sys.stdout.flush()
    note(mailout.summary_table(built.rows, mailout.color_enabled(sys.stderr)))
    note(f"dry run: {len(paths) - 1} patch(es) and a cover letter; {tree} was not modified")
    return EXIT_OK


def run_line(step, res, out):
    n = len(res.changes)
    out(f"step {step.number:02d}/23 {step.subject}: {n} file{'s' if n != 1 else ''} "
        f"changed, {res.seconds:.1f} s" + ("" if n else " (no change on this base)"))


def cmd_series(args, series):
    """Commits in a cache repository, format-patch files and a cover letter."""
    from ipm import mailout
    prep = prepare(args, series, write=False)
    if prep is None:
        return EXIT_OK
    tree, steps = prep
    name, email = mailout.identity(tree)
    if args.version is not None and args.version < 1:
        raise ToolError("--version must be 1 or more")
    table = mailout.load_checkpatch_table()
    if mailout.is_git(tree):
        treemod.refuse_dirty(tree, series.scope)
    k, steps = skip_applied(tree, series, steps)
    if not steps:
        return EXIT_OK
    work = mailout.work_dir(tree)
    with treemod.exclusive(str(work) + ".lock", f"{tree}: another 'series' run is "
                           "working on this tree; try again when it is done"):
        say(f"series: committing {len(steps)} step(s) on {tree} "
            f"(Linux {treemod.kernel_version(tree)}) in {work}")
        built = mailout.build(tree, series, steps, series.scope, work, name, email, say,
                              on_step=lambda step, res: run_line(step, res, say))
        built.applied = f"01-{k:02d}" if k else ""
        if args.build:
            from ipm import kbuild
            arches = [a.strip() for a in args.build.split(",") if a.strip()]
            kbuild.parse_arches(args.build)      # refuse an unknown name now
            say(f"series: building every step for {', '.join(arches)} (bisect-check)")
            code = kbuild.bisect_check(tree, steps, series.scope, say, arch=args.build)
            if code != EXIT_OK:
                return code
            built.build_checked = arches
        out = mailout.prepare_out(args.out or mailout.default_out(args.version, built))
        paths, errors, warnings, checks = mailout.format_patches(
            built, series, args.version, out, tree, table, say)
        branch = mailout.offer_branch(tree, built, args.version, say)
    say(mailout.summary_table(built.rows, mailout.color_enabled(sys.stdout)))
    for step, why in built.skipped:
        say(f"left out: step {step.number:02d} ({step.subject}): {why}")
    unknown = sorted({t for _, t, m in warnings + checks
                      if not mailout.justify(table, t, m)})
    say(f"checkpatch --strict: {len(errors)} errors, {len(warnings)} warnings, "
        f"{len(checks)} checks")
    for pname, typ, msg in errors:
        say(f"  {pname}: ERROR:{typ}: {msg}")
    if branch:
        say(f"branch {branch} in {tree} holds the commits")
    say(f"wrote {len(paths) - 1} patch(es) and a cover letter to {out}")
    if errors:
        raise ToolError(f"checkpatch found {len(errors)} error(s) in the series; "
                        "fix the rule or patch that makes them", EXIT_FINDINGS)
    if unknown:
        raise ToolError("checkpatch warning type(s) with no reason in "
                        f"check/checkpatch.toml: {', '.join(unknown)}", EXIT_FINDINGS)
    return EXIT_OK


def cmd_restore(args, series):
    tree = treemod.validate(args.kernel, series.scope)
    run = treemod.RunDir(tree)
    with run.locked():
        n = run.restore()
    say(f"{tree}: restored {n} file(s)" if n else f"{tree}: nothing to restore")
    return EXIT_OK


def note(msg):
    print(msg, file=sys.stderr, flush=True)


def cmd_fetch(args, series):
    say(str(bases.pristine(args.version, note)))
    return EXIT_OK


def cmd_copy(args, series):
    """Progress goes to stderr: stdout is only the path, for scripts."""
    say(str(bases.copy(args.version, args.dest, note)))
    return EXIT_OK


def cmd_steps(args, series):
    for s in series.steps:
        say(f"{s.number:02d} {s.status:7s} {s.slug:22s} {s.subject}")
    return EXIT_OK


def cmd_check(args, series):
    from ipm import checker
    tree = treemod.validate(args.kernel, series.scope)
    return checker.main(tree, series.scope, say)


def cmd_verify(args, series):
    from ipm import kbuild
    tree = treemod.validate(args.kernel, series.scope)
    return kbuild.verify(tree, args, say)


def cmd_bisect_check(args, series):
    from ipm import kbuild
    prep = prepare(args, series, write=False)
    if prep is None:
        return EXIT_OK
    tree, steps = prep
    return kbuild.bisect_check(tree, steps, series.scope, say, args.arch)


def cmd_runtime(args, series):
    from ipm import runtime
    return runtime.runtime(args.kernel, args, say)


class OneLineParser(argparse.ArgumentParser):
    """Command line errors are one line too, exit code 2 (usage)."""

    def error(self, message):
        print(f"apply-series: error: {message} (see --help)", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def parser():
    p = OneLineParser(prog="apply-series.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name, fn in (("apply", cmd_apply), ("dry-run", cmd_dry_run), ("series", cmd_series)):
        s = sub.add_parser(name)
        s.add_argument("kernel")
        s.add_argument("--steps", default="", help="e.g. 1-6 or 3,5 (default: all)")
        s.set_defaults(fn=fn)
        if name == "dry-run":
            s.add_argument("--format", choices=("diff", "series"), default="diff",
                           help="diff: per-step diffs; series: the mbox of 'series'")
        if name != "apply":
            s.add_argument("--version", type=int, default=None,
                           help="reroll count: [PATCH vN] (default: plain [PATCH])")
        if name == "series":
            s.add_argument("--out", help="directory for the patch files "
                           "(default: <cache>/series/vN or the base's name)")
            s.add_argument("--build", metavar="ARCHES", default="",
                           help="also build every step (bisect-check) for ARCHES, "
                           "e.g. x86_64,arm64, and say so in the cover letter")
    for name, fn in (("restore", cmd_restore), ("check", cmd_check)):
        s = sub.add_parser(name)
        s.add_argument("kernel")
        s.set_defaults(fn=fn)
    s = sub.add_parser("verify")
    s.add_argument("kernel")
    s.add_argument("--base", help="unmigrated tree for the sparse baseline "
                   "(default: the cached linux-source of the same version)")
    s.add_argument("--arch", default="x86_64,arm64")
    s.set_defaults(fn=cmd_verify)
    s = sub.add_parser("bisect-check")
    s.add_argument("kernel")
    s.add_argument("--steps", default="", help="e.g. 1-6 (default: all ready)")
    s.add_argument("--arch", default="x86_64,arm64")
    s.set_defaults(fn=cmd_bisect_check)
    s = sub.add_parser("runtime")
    s.add_argument("kernel")
    s.add_argument("--base", help="unmigrated tree to boot beside it "
                   "(default: the cached linux-source of the same version)")
    s.add_argument("--arch", default="x86_64,arm64")
    s.add_argument("--sanitize", action="store_true",
                   help="the sanitizer variant: KASAN, DEBUG_VM, DEBUG_PAGEALLOC, "
                   "kmemleak and the io-pgtable self-tests")
    s.add_argument("--only", default="", help="only the scenarios whose name "
                   "contains one of these comma-separated words, e.g. intel")
    s.set_defaults(fn=cmd_runtime)
    s = sub.add_parser("fetch")
    s.add_argument("--version", default=bases.DEFAULT)
    s.set_defaults(fn=cmd_fetch)
    s = sub.add_parser("copy")
    s.add_argument("--version", default=bases.DEFAULT)
    s.add_argument("dest", nargs="?")
    s.set_defaults(fn=cmd_copy)
    s = sub.add_parser("steps")
    s.set_defaults(fn=cmd_steps)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    treemod.install_signal_handlers()
    treemod.private_tmp()
    try:
        series = manifest.load()
        return args.fn(args, series)
    except ToolError as e:
        first, *rest = str(e).splitlines()
        print(f"apply-series: error: {first}", file=sys.stderr)
        for line in rest:
            print(line, file=sys.stderr)
        return e.code
    except BrokenPipeError:
        return EXIT_OK
    finally:
        # The outcome is decided: a signal from here on must not turn the
        # exit code into a kill (Python restores the default handlers while
        # it shuts down).
        treemod.hold_signals()


if __name__ == "__main__":
    sys.exit(main())
