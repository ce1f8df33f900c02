#!/usr/bin/env python3
"""iommu-pages-migrate: convert a kernel tree's IOMMU drivers to the
size-based iommu-pages API, one step of series.toml at a time.

Commands (each also a make target, see README.md):
  apply    KERNEL [--steps S]   migrate the tree in place, all or nothing
                                (apply, dry-run, series, bisect-check: --no-format
                                leaves the changed lines as spatch prints them)
  dry-run  KERNEL [--steps S] [--format diff|series]
                                print each step's diff (or the series as an mbox)
                                and a per-step summary; the tree is not touched
  series   KERNEL [--out DIR] [--version N] [--steps S]
                                the steps as commits and git format-patch files
  restore  KERNEL               undo a run that was killed while writing
  check    KERNEL               report old API and struct page uses
  verify   KERNEL               build and sparse-check drivers/iommu
  bisect-check KERNEL [--steps S]  apply the steps one by one to a copy, building each
  runtime  KERNEL [--arch A] [--base B | --no-base] [--sanitize] [--only S]
                                boot base and migrated kernels under QEMU
                                (--no-base: the migrated kernels alone)
  fetch    [--version V]        fetch and unpack linux-source-V into the cache
  copy     [--version V] [DEST] a fresh working copy of linux-source-V
  steps                         list the steps
"""

# Above 500 lines: argparse and one thin function per command, kept in the
# one file users run.

import os
import signal


def _early_signal(signum, frame):
    """SIGINT/SIGTERM while Python loads the tool: nothing is started yet."""
    os.write(2, f"apply-series: error: interrupted by "
             f"{signal.Signals(signum).name}\n".encode())
    os._exit(130)


signal.signal(signal.SIGINT, _early_signal)
signal.signal(signal.SIGTERM, _early_signal)

import argparse  # noqa: E402
import contextlib  # noqa: E402
import datetime  # noqa: E402
import errno  # noqa: E402
import pathlib  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import traceback  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from ipm import (bases, detect, fmt as fmtmod, manifest, report, runner,  # noqa: E402
                 tools, tree as treemod)
from ipm.errors import (ToolError, Interrupted, EXIT_OK, EXIT_FINDINGS,  # noqa: E402
                        EXIT_USAGE, EXIT_INTERNAL, EXIT_IO)


def say(msg=""):
    print(msg, flush=True)


def selected(series, spec, explicit):
    """Steps to run.

    Named steps must all be ready.  By default the series runs up to the
    first step still planned: a later step builds on every earlier one."""
    numbers = manifest.parse_steps(spec, len(series.steps))
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


# Locks held until the command ends (readers' shared tree lock).
held = contextlib.ExitStack()


def read_tree(tree):
    """A command that only reads TREE: the tree's lock, shared (exit 4 while
    a run writes it) and no marker of a half-written tree (exit 5)."""
    held.enter_context(treemod.RunDir(tree).reading())


def prepare(args, series, write):
    """Validate the tree and the base; returns (tree, steps) or None if done."""
    tree = treemod.validate(args.kernel, series.scope)
    if write:
        treemod.refuse_read_only(tree, series.scope)
        run = treemod.RunDir(tree)
        held.enter_context(run.locked())     # exit 4 while another run is on
        run.refuse_journal()
    else:
        read_tree(tree)
    treemod.refuse_odd_files(tree, series.scope)
    st = detect.state(tree, series.scope)
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


def progress(series, out):
    """The per-step callback that prints each step's progress line."""
    return lambda res: out(report.progress(res, len(series.steps)))


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
        fmt = fmtmod.for_tree(tree, not args.no_format)
        if fmt.formatter is None:
            say(fmt.note)
        stage = run.path / "stage"
        try:
            staged = runner.run_series(steps, stage, series.scope, src=tree,
                                       on_step=progress(series, say),
                                       fmt=fmt)
            new = staged.changes
            (run.path / "commands.log").write_text("\n".join(staged.commands) + "\n")
            say(f"writing {len(new)} file(s) into the tree")
            run.commit(new)
        except BaseException:
            # true only if the swap did not begin, or its rollback put every
            # file back and checked it (it removes the marker only then)
            if not run.pending():
                say(f"stopped: the tree is as it was before the run ({tree})")
            raise
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    say(f"done: {len(new)} file(s) changed in {tree}")
    return EXIT_OK


def cmd_dry_run(args, series):
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
    with tempfile.TemporaryDirectory(prefix="dry-run.", dir=root,
                                     ignore_cleanup_errors=True) as tmp:
        def show(res):
            say(report.progress(res, len(series.steps)))
            rows.append(report.Row(res))
            diff = rows[-1].diff
            say(f"=== step {res.step.number:02d}: {res.step.subject}")
            if not diff:
                say("(no change on this base)\n")
                return
            say(runner.diffstat(diff))
            say()
            sys.stdout.write(diff)
            say()
        runner.run_series(steps, pathlib.Path(tmp) / "stage", series.scope, src=tree,
                          on_step=show, fmt=fmtmod.for_tree(tree, not args.no_format))
    say(report.summary_table(rows, report.color_enabled(sys.stdout)))
    say(f"dry run: {tree} was not modified")
    return EXIT_OK


def dry_run_series(args, series, tree, steps, root, k=0):
    """The series as git format-patch would mail it, on stdout (an mbox);
    progress and the summary table go to stderr, so that stdout can be
    given to git am as it is."""
    from ipm import mailout
    name, email = mailout.identity(tree)
    with tempfile.TemporaryDirectory(prefix="dry-run.", dir=root,
                                     ignore_cleanup_errors=True) as tmp:
        tmp = pathlib.Path(tmp)
        built = mailout.build(tree, series, steps, series.scope, tmp, name, email, note,
                              on_step=progress(series, note),
                              fmt=fmtmod.for_tree(tree, not args.no_format))
        built.applied = f"01-{k:02d}" if k else ""
        paths, errors, warnings, checks = mailout.format_patches(
            built, series, args.version, tmp / "out", tree,
            mailout.load_checkpatch_table(), note)
        for p in paths:
            sys.stdout.write(p.read_text())
        sys.stdout.flush()
    note(report.summary_table(built.rows, report.color_enabled(sys.stderr)))
    note(f"dry run: {len(paths) - 1} patch(es) and a cover letter; {tree} was not modified")
    return EXIT_OK


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
                              on_step=progress(series, say),
                              fmt=fmtmod.for_tree(tree, not args.no_format))
        built.applied = f"01-{k:02d}" if k else ""
        if args.build:
            from ipm import bisectcheck, kbuild
            arches = [a.strip() for a in args.build.split(",") if a.strip()]
            kbuild.parse_arches(args.build)      # refuse an unknown name now
            say(f"series: building every step for {', '.join(arches)} (bisect-check)")
            code = bisectcheck.bisect_check(tree, steps, series.scope, say, arch=args.build,
                                            fmt=fmtmod.for_tree(tree, not args.no_format))
            if code != EXIT_OK:
                return code
            built.build_checked = arches
        out = mailout.prepare_out(args.out or mailout.default_out(args.version, built))
        paths, errors, warnings, checks = mailout.format_patches(
            built, series, args.version, out, tree, table, say)
        branch = mailout.offer_branch(tree, built, args.version, say)
    say(report.summary_table(built.rows, report.color_enabled(sys.stdout)))
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
        done = run.restore()
    if done is None:
        say(f"{tree}: nothing to restore")
        return EXIT_OK
    restored, edited = done
    say(f"{tree}: restored {len(restored)} file(s); the tree is as it was "
        "before the run (checked)")
    for what in edited:
        note(f"apply-series: note: {what} had been edited after the run was "
             "killed: your version is kept beside the restored original")
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
    read_tree(tree)
    treemod.refuse_odd_files(tree, series.scope, crlf=False)
    return checker.main(tree, series.scope, say)


def cmd_verify(args, series):
    from ipm import verify
    tree = treemod.validate(args.kernel, series.scope)
    read_tree(tree)
    return verify.verify(tree, say, arch=args.arch, base=args.base)


def cmd_bisect_check(args, series):
    from ipm import bisectcheck
    prep = prepare(args, series, write=False)
    if prep is None:
        return EXIT_OK
    tree, steps = prep
    return bisectcheck.bisect_check(tree, steps, series.scope, say, args.arch,
                                    fmtmod.for_tree(tree, not args.no_format))


def cmd_runtime(args, series):
    from ipm import runtime
    return runtime.runtime(args.kernel, say, arch=args.arch, base=args.base,
                           no_base=args.no_base, sanitize=args.sanitize,
                           only=args.only)


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
        s.add_argument("--no-format", action="store_true",
                       help="leave the lines the rules change as spatch prints them "
                       "(default: formatted per the tree's .clang-format)")
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
    s.add_argument("--no-format", action="store_true",
                   help="as for apply: do not format the lines the rules change")
    s.set_defaults(fn=cmd_bisect_check)
    s = sub.add_parser("runtime")
    s.add_argument("kernel")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--base", help="unmigrated tree to boot beside it "
                   "(default: the cached linux-source of the same version)")
    g.add_argument("--no-base", action="store_true",
                   help="build and boot KERNEL only: each boot's own verdict, "
                   "no base kernel to compare with (quicker)")
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
    # Paths are bytes on Linux: one that is not UTF-8 is printed as it is.
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(errors="surrogateescape")
    try:
        return _main(argv)
    except SystemExit:
        raise
    except BaseException as e:      # a signal while another outcome was reported
        treemod.hold_signals()
        return report_error(e)
    finally:
        held.close()
        # The outcome is decided: a signal from here on must not turn the
        # exit code into a kill (Python restores the default handlers while
        # it shuts down).
        treemod.hold_signals()


def _main(argv):
    args = parser().parse_args(argv)
    treemod.install_signal_handlers()
    if not os.environ.get("HOME"):
        # spatch dies on a missing HOME ("exception Not_found"); git
        # reads its identity there: give them the account's home
        import pwd
        try:
            os.environ["HOME"] = pwd.getpwuid(os.getuid()).pw_dir
        except KeyError:
            os.environ["HOME"] = "/"
    try:
        treemod.private_tmp()
        series = manifest.load()
        return args.fn(args, series)
    except SystemExit:
        raise
    except BaseException as e:
        treemod.hold_signals()
        return report_error(e)


def report_error(e):
    """One line on stderr for E, and the exit code.  An exception raised
    while an interruption was being handled reports the interruption."""
    cause = e
    while cause is not None and not isinstance(cause, ToolError):
        cause = cause.__context__
    if isinstance(cause, Interrupted) or isinstance(e, ToolError):
        e = cause if isinstance(cause, Interrupted) else e
        first, *rest = str(e).splitlines() or [""]
        print(f"apply-series: error: {first}", file=sys.stderr)
        for line in rest:
            print(line, file=sys.stderr)
        return e.code
    if isinstance(e, BrokenPipeError):
        return EXIT_OK
    if isinstance(e, OSError):
        print(f"apply-series: error: {io_message(e)}", file=sys.stderr)
        return EXIT_IO
    where = save_traceback(e)
    print(f"apply-series: internal error: {type(e).__name__}: "
          f"{str(e).splitlines()[0] if str(e) else ''} ({where}; please report it)",
          file=sys.stderr)
    return EXIT_INTERNAL


def io_message(e):
    """'cannot write the cache ...: No space left on device' and the like."""
    path = e.filename if e.filename is not None else ""
    what = os.fsdecode(path)
    reason = e.strerror or str(e)
    try:
        cache = treemod.cache_root()
    except Exception:
        cache = None
    if path == "":
        # a failed write() names no file; the tool writes only into the
        # cache (almost all) and the tree (the swap, which rolls back)
        return f"{reason} while writing into the cache {cache} or the tree"
    if cache and (cache == pathlib.Path(what) or cache in pathlib.Path(what).parents
                  or pathlib.Path(what) in cache.parents):
        hint = {errno.ENOSPC: "free some space or set IPM_CACHE elsewhere",
                errno.EDQUOT: "free some space or set IPM_CACHE elsewhere",
                errno.EROFS: "set IPM_CACHE to a writable directory",
                errno.EACCES: "set IPM_CACHE to a writable directory",
                errno.EPERM: "set IPM_CACHE to a writable directory",
                errno.ENOTDIR: "set IPM_CACHE to a directory"}.get(e.errno)
        return (f"the cache {cache} cannot be used: {what}: {reason}"
                + (f" ({hint})" if hint else ""))
    return f"{what}: {reason}"


def save_traceback(e):
    """Write E's traceback into <cache>/errors/ (or the temporary directory);
    where it went, as words for the one line."""
    text = "".join(traceback.format_exception(e))
    name = f"{datetime.datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.txt"
    for d in (lambda: treemod.cache_root() / "errors",
              lambda: pathlib.Path(tempfile.gettempdir())):
        try:
            p = d() / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, errors="surrogateescape")
            return f"traceback in {p}"
        except Exception:
            continue
    return "traceback not saved: no writable directory"


if __name__ == "__main__":
    sys.exit(main())
