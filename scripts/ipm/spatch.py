"""Run spatch the one way the project runs it, and record the command."""

import os
import pathlib
import re
import subprocess
import tempfile

from . import prefilter, tools
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


def command(rule, files):
    """Command line that applies RULE to FILES in place (fixture tests)."""
    return base_args() + rule_args(rule) + ["--in-place"] + [str(f) for f in files]


def apply(rule, cwd, files, log=None):
    """Apply RULE in place to FILES (relative to CWD), the way every run does.

    Only the files the rule's prefilter keeps are given to spatch (see
    prefilter.py; all of them for a rule without one), each in a group of
    its own, or all in one group for a 'together' rule; spatch is not run
    when none is kept.  The one path by which the runner and the fixture
    tests run a rule."""
    kept = prefilter.select(rule, cwd, files)
    why = prefilter.describe(rule)
    if log is not None and why:
        log.append(f"# {rule.name}: prefilter {why}: {len(kept)} of {len(files)} files")
    if not kept:
        return
    cwd = pathlib.Path(cwd)
    with tempfile.NamedTemporaryFile("w", suffix=".groups", prefix="ipm.",
                                     dir=cwd.parent) as groups:
        sep = "\n" if rule.together else "\n\n"
        groups.write("".join(f"{f}{sep}" for f in kept))
        groups.flush()
        run_groups(rule, groups.name, cwd=cwd, log=log, nfiles=len(kept))


def run_groups(rule, groups, cwd, log=None, nfiles=None):
    """Apply one rule in place to the files listed in GROUPS.

    GROUPS is a --file-groups file: one file per group, so that each file
    is matched on its own (faster and smaller than one group of all).
    Fails with a ToolError naming the rule when spatch cannot parse the
    rule or exits non-zero for another reason.  LOG, if given, is a list
    that collects the exact command lines."""
    require()
    argv = base_args() + rule_args(rule) + ["--in-place", "--file-groups", str(groups)]
    if log is not None:
        log.append(" ".join(_shown(a) for a in argv))
    env = dict(os.environ, PYTHONHASHSEED="0")
    # make bench: IPM_SPATCH_WRAP=FILE appends one line per spatch run
    # (rule, files, wall s, user s, sys s, peak RSS KiB) with GNU time.
    wrap = os.environ.get("IPM_SPATCH_WRAP")
    if wrap:
        fmt = f"{rule.name} {nfiles if nfiles is not None else '-'} %e %U %S %M"
        argv = ["/usr/bin/time", "-a", "-o", wrap, "-f", fmt] + argv
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        msg = _first_error(p.stderr + p.stdout)
        raise ToolError(f"spatch failed on rule {rule.name}: {msg}", EXIT_FINDINGS)
    # With --file-groups spatch reports an exception on one file (it could
    # not write its output, say) as "EXN: ... in FILE" and still exits 0.
    exn = [l for l in p.stderr.splitlines() if l.startswith("EXN:")]
    if exn:
        raise ToolError(f"spatch failed on rule {rule.name}: "
                        f"{exn[0][4:].strip()[:300]}", EXIT_FINDINGS)


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


def unparsed_lines(path, cwd):
    """Line numbers of PATH that spatch --parse-c could not parse.

    Used to explain a call site that a step left behind."""
    argv = ["spatch", "--parse-c", str(path)]
    if MACRO_FILE.is_file():
        argv += ["--macro-file", str(MACRO_FILE)]
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    bad = set()
    for m in re.finditer(r'File "[^"]*", line (\d+)', p.stdout + p.stderr):
        bad.add(int(m.group(1)))
    return bad
