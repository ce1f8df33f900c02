"""Run spatch the one way the project runs it, and record the command."""

import dataclasses
import functools
import os
import pathlib
import re
import tempfile

from . import batch, manifest, prefilter, procs, tools
from .errors import ToolError, EXIT_FINDINGS
from .manifest import ROOT

MACRO_FILE = ROOT / "cocci" / "parsing_hacks.h"
TIMEOUT = 120  # seconds per file, passed to spatch --timeout
SYSTEM_PYTHON = "/usr/bin/python3"


def base_args():
    """Options every rule runs with (see NOTES: why --no-includes)."""
    args = ["spatch", "-D", "patch", "--no-includes", "--include-headers",
            "--timeout", str(TIMEOUT), "--very-quiet", "--no-show-diff"]
    if MACRO_FILE.is_file():
        args += ["--macro-file", str(MACRO_FILE)]
    # Before the first Python script rule spatch runs "python3" from PATH
    # to find its interpreter; where that is a shim (pyenv: a dozen bash
    # processes) it costs 0.15 s per run.  Debian's spatch is built
    # against Debian's Python: name it.
    if os.access(SYSTEM_PYTHON, os.X_OK):
        args += ["--python", SYSTEM_PYTHON]
    # spatch ignores TMPDIR and writes its temporary files into /tmp
    # unless told; the tool keeps them in its cache (tree.private_tmp).
    if os.environ.get("TMPDIR"):
        args += ["--temp-files", os.path.join(os.environ["TMPDIR"], "")]
    return args


def require():
    tools.require("spatch")


def rule_args(rule):
    """--sp-file and the -D options of a manifest Rule."""
    args = []
    for name, value in rule.define:
        args += ["-D", f"{name}={value}"]
    return args + ["--sp-file", str(rule.path)]


def apply(rule, cwd, files, log=None, whys=None):
    """Apply RULE in place to FILES (relative to CWD), the way every run does.

    Only the files the rule's prefilter keeps are given to spatch (see
    prefilter.py; all of them for a rule without one), each in a group of
    its own, or all in one group for a 'together' rule; spatch is not run
    when none is kept.  The one path by which the runner and the fixture
    tests run a rule."""
    kept = _select(rule, cwd, files, log)
    if kept:
        _run_files(rule, cwd, kept, log, whys)


def apply_rules(rules, cwd, files, log=None, whys=None):
    """Apply the RULES of a step, in order, in place to FILES.

    One spatch run for all of them when batch.py can combine them with
    certainty (each rule's prefilter still chooses files: the run gets
    their union, a superset that is sound, and a rule that keeps no file
    is left out as it would not have run); otherwise, or with
    IPM_NO_BATCH=1, one run per rule as apply() does.  WHYS, if given,
    collects what the rules say of what they leave (see run_groups)."""
    rules = list(rules)
    why = None if len(rules) > 1 else "one rule"
    if why is None and os.environ.get("IPM_NO_BATCH"):
        why = "IPM_NO_BATCH is set"
    if why is None:
        why = batch_refusal(rules)
    if why is not None:
        if len(rules) > 1 and log is not None:
            log.append(f"# separate runs: {why}")
        for rule in rules:
            apply(rule, cwd, files, log=log, whys=whys)
        return
    kept = [(rule, _select(rule, cwd, files, log)) for rule in rules]
    active = [(r, k) for r, k in kept if k]
    if len(active) < 2:
        for rule, k in active:
            _run_files(rule, cwd, k, log, whys)
        return
    try:
        # fewer files only move a file nearer the front: still batchable
        _combined(tuple(r.path for r, _ in active))
    except batch.Refused as e:
        if log is not None:
            log.append(f"# separate runs: {e}")
        for rule, k in active:
            _run_files(rule, cwd, k, log, whys)
        return
    union = set().union(*(k for _, k in active))
    _run_batch([r for r, _ in active], cwd, [f for f in files if f in union], log,
               whys)


def batch_refusal(rules):
    """Why RULES cannot run as one spatch run, or None."""
    if any(r.together for r in rules):
        return "a 'together' rule (one group of all files) is not batched"
    if len({r.define for r in rules}) > 1:
        return "the rules have different -D definitions"
    # a rule's manifest paths are a limit (another driver's files must not
    # change in this step), not a sound superset like its prefilter
    if len({r.paths for r in rules}) > 1:
        return "the rules have different manifest paths"
    try:
        _combined(tuple(r.path for r in rules))
    except batch.Refused as e:
        return str(e)
    except OSError as e:
        return f"cannot read a rule: {e}"
    return None


def _combined(paths):
    """The combined SmPL text of PATHS (cached while the files are unchanged)."""
    stamp = tuple(p.stat().st_mtime_ns for p in paths)
    return _combine_cached(paths, stamp)


@functools.lru_cache(maxsize=None)
def _combine_cached(paths, stamp):
    return batch.combine([str(_shown(p)) for p in paths],
                         [p.read_text(encoding="utf-8") for p in paths])


def _select(rule, cwd, files, log):
    kept = prefilter.select(rule, cwd, files)
    why = prefilter.describe(rule)
    if log is not None and why:
        log.append(f"# {rule.name}: prefilter {why}: {len(kept)} of {len(files)} files")
    return kept


def _groups_file(cwd, kept, together):
    groups = tempfile.NamedTemporaryFile("w", suffix=".groups", prefix="ipm.",
                                         dir=cwd.parent)
    sep = "\n" if together else "\n\n"
    groups.write("".join(f"{f}{sep}" for f in kept))
    groups.flush()
    return groups


def _run_files(rule, cwd, kept, log, whys=None):
    cwd = pathlib.Path(cwd)
    with _groups_file(cwd, kept, rule.together) as groups:
        run_groups(rule, groups.name, cwd=cwd, log=log, nfiles=len(kept),
                   whys=whys)


def _run_batch(rules, cwd, kept, log, whys=None):
    """One spatch run of the combined RULES on KEPT, each file its own group."""
    cwd = pathlib.Path(cwd)
    text, origins = _combined(tuple(r.path for r in rules))
    name = "+".join(r.name for r in rules)
    with tempfile.NamedTemporaryFile("w", suffix=".cocci", prefix="ipm.batch.",
                                     dir=cwd.parent) as sp, \
            _groups_file(cwd, kept, False) as groups:
        sp.write(text)
        sp.flush()
        if log is not None:
            log.append(f"# {name}: one run of {len(kept)} files with "
                       f"python3 scripts/ipm/batch.py "
                       + " ".join(str(_shown(r.path)) for r in rules)
                       + f" > {sp.name}  (sha256 {batch.digest(text)})")
        combined = manifest.Rule(pathlib.Path(sp.name), False, rules[0].define)
        run_groups(combined, groups.name, cwd=cwd, log=log, nfiles=len(kept),
                   name=name, origins=(sp.name, origins), whys=whys)


def jobs_for(ngroups):
    """spatch -j: its parallel mode spreads the groups of a run over
    processes; one per core the tool may use, at most one per group.
    IPM_SPATCH_JOBS=N sets the most (1: no parallel mode)."""
    try:
        most = int(os.environ.get("IPM_SPATCH_JOBS") or 0)
    except ValueError:
        most = 0
    if most <= 0:
        most = len(os.sched_getaffinity(0))
    return max(1, min(most, ngroups))


def run_groups(rule, groups, cwd, log=None, nfiles=None, name=None,
               origins=None, whys=None):
    """Apply one rule in place to the files listed in GROUPS.

    GROUPS is a --file-groups file: one file per group, so that each file
    is matched on its own (faster and smaller than one group of all).
    Fails with a ToolError naming the rule when spatch cannot parse the
    rule or exits non-zero for another reason.  LOG, if given, is a list
    that collects the exact command lines.  NAME names the rule in
    messages (default: its file name); ORIGINS, for a combined file, is
    (its path, batch.combine()'s origins), to name the rule file and line
    of an error.  WHYS, if given, gets a Why for each line a rule prints
    as 'IPM-WHY<TAB>file<TAB>function<TAB>name<TAB>reason': why it left
    what it names (free-lists.cocci: a list that stays a list_head)."""
    name = name or rule.name
    require()
    argv = base_args() + rule_args(rule) + ["--in-place", "--file-groups", str(groups)]
    jobs = jobs_for(1 if rule.together else (nfiles or 1))
    if jobs > 1:
        argv[1:1] = ["-j", str(jobs)]
    if log is not None:
        log.append(" ".join(_shown(a) for a in argv))
    env = dict(os.environ, PYTHONHASHSEED="0")
    # make bench: IPM_SPATCH_WRAP=FILE appends one line per spatch run
    # (rule, files, wall s, user s, sys s, peak RSS KiB) with GNU time.
    wrap = os.environ.get("IPM_SPATCH_WRAP")
    if wrap:
        fmt = f"{name} {nfiles if nfiles is not None else '-'} %e %U %S %M"
        argv = ["/usr/bin/time", "-a", "-o", wrap, "-f", fmt] + argv
    p = procs.run(argv, cwd=cwd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        msg = _first_error(_origin(p.stderr + p.stdout, origins))
        raise ToolError(f"spatch failed on rule {name}: {msg}", EXIT_FINDINGS)
    # With --file-groups spatch reports an exception on one file (it could
    # not write its output, say) as "EXN: ... in FILE" and still exits 0.
    exn = [l for l in p.stderr.splitlines() if l.startswith("EXN:")]
    if exn:
        raise ToolError(f"spatch failed on rule {name}: "
                        f"{_origin(exn[0][4:].strip(), origins)[:300]}", EXIT_FINDINGS)
    if whys is not None:
        whys += parse_whys(p.stdout)


WHY_PREFIX = "IPM-WHY\t"


@dataclasses.dataclass(frozen=True)
class Why:
    """A rule's reason for leaving NAME in FUNCTION of FILE."""
    file: str
    function: str
    name: str
    reason: str

    def covers(self, rel, function, text):
        """Whether it explains the line TEXT of FUNCTION in REL."""
        return self.file == rel and self.function == function and \
            re.search(rf"\b{re.escape(self.name)}\b", text) is not None


def parse_whys(out):
    """The Why of each IPM-WHY line of spatch's output OUT."""
    return [Why(*line[len(WHY_PREFIX):].split("\t", 3))
            for line in out.splitlines()
            if line.startswith(WHY_PREFIX) and line.count("\t") >= 4]


def _origin(text, origins):
    """TEXT with 'File "COMBINED", line N' as the rule file and its line."""
    if not origins:
        return text
    path, table = origins

    def sub(m):
        return f"{batch.where(table, int(m.group(1)))}"
    text = re.sub(r'File "' + re.escape(path) + r'", line (\d+)', sub, text)
    return re.sub(re.escape(path) + r":(\d+)", sub, text)


def _shown(arg):
    """An argument as the command log shows it: project paths relative."""
    try:
        return str(pathlib.Path(arg).relative_to(ROOT))
    except ValueError:
        return arg


def _first_error(text):
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    for i, l in enumerate(lines):
        if "error" in l.lower():
            return " ".join(lines[i:i + 3])[:300]
    return (lines[-1] if lines else "no output")[:300]


_BAD = re.compile(r"^BAD:!!!!!|^bad:")
_SYNC = re.compile(r"ERROR-RECOV: found sync .*?line (\d+)")
_AT = re.compile(r'^ = File "([^"]*)", line (\d+)')


def unparsed_regions(path, cwd):
    """(first, last, error) line numbers of each part of PATH that spatch
    --parse-c could not parse (and so skips: no rule sees a function in
    it).  The part ends at the line where spatch resynchronised and spans
    the lines it prints as bad; ERROR is the line of the parse error.

    Used to explain a call site that a step left behind."""
    argv = ["spatch", "--parse-c", str(path)]
    if MACRO_FILE.is_file():
        argv += ["--macro-file", str(MACRO_FILE)]
    p = procs.run(argv, cwd=cwd, capture_output=True, text=True)
    out, sync, err, nbad = [], None, None, 0

    def close():
        if err is not None:
            last = sync if sync is not None and sync >= err else err
            first = min(err, last - nbad + 1) if nbad else err
            out.append((first, last, err))
    for line in (p.stdout + p.stderr).splitlines():
        m = _SYNC.search(line)
        if m:
            if err is not None and nbad:
                close()
                err, nbad = None, 0
            sync = int(m.group(1))
            continue
        m = _AT.match(line)
        if m:
            close()
            err, nbad = int(m.group(2)), 0
            # an error in a header the file includes is the header's
            if os.path.normpath(m.group(1)) != os.path.normpath(str(path)):
                err = None
            continue
        if err is not None and _BAD.match(line):
            nbad += 1
    close()
    return sorted(set(out))


def unparsed_lines(path, cwd):
    """Line numbers of the parse errors of PATH (see unparsed_regions)."""
    return {err for _, _, err in unparsed_regions(path, cwd)}
