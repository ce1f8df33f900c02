"""What apply, dry-run and series print about the steps they ran: one
progress line per step, and the summary table at the end."""

import os

from .csrc import strip_comments
from .runner import SOURCE


def progress(res, total):
    """The line of one step run: 'step 04/23 subject: 2 files changed, 0.3 s'
    (TOTAL: the number of steps of the series)."""
    n = len(res.changes)
    return (f"step {res.step.number:02d}/{total} {res.step.subject}: {n} file"
            f"{'s' if n != 1 else ''} changed, {res.seconds:.1f} s"
            + ("" if n else " (no change on this base)"))


def count_sites(files, patterns, step=None):
    """Code lines (comments stripped) of FILES {rel: bytes} matching PATTERNS
    (only in the step's gone_paths, given STEP)."""
    n = 0
    keep = set(step.gone_files(files)) if step else set(files)
    for rel, data in files.items():
        if rel not in keep:
            continue
        if data is None or not SOURCE.search(rel):
            continue
        for line in strip_comments(data.decode(errors="replace")).splitlines():
            if any(p.search(line) for p in patterns):
                n += 1
    return n


class Row:
    """One line of the per-step summary table, from a StepResult."""

    def __init__(self, res):
        step = self.step = res.step
        diff = res.diff() if res.changes else ""
        lines = diff.splitlines()
        self.files = len(res.changes)
        self.hunks = sum(1 for l in lines if l.startswith("@@ "))
        self.plus = sum(1 for l in lines if l.startswith("+") and not l.startswith("+++"))
        self.minus = sum(1 for l in lines if l.startswith("-") and not l.startswith("---"))
        after = {**res.before, **res.changes}      # a removed file: None
        self.sites = count_sites(res.before, step.gone, step)
        self.left = count_sites(after, step.gone, step)
        self.diff = diff


def color_enabled(stream):
    return stream.isatty() and not os.environ.get("NO_COLOR")


def summary_table(rows, color=False):
    """The table printed at the end of dry-run and series."""
    def c(code, s):
        return f"\033[{code}m{s}\033[0m" if color else s
    head = f"{'step':<5} {'files':>5} {'hunks':>5} {'+lines':>7} {'-lines':>7} " \
           f"{'sites':>5} {'left':>4}  subject"
    out = [c("1", head)]
    tot = [0] * 6
    for r in rows:
        vals = (r.files, r.hunks, r.plus, r.minus, r.sites, r.left)
        tot = [a + b for a, b in zip(tot, vals)]
        line = (f"{r.step.number:02d}    {r.files:5d} {r.hunks:5d} {r.plus:7d} {r.minus:7d} "
                f"{r.sites:5d} {r.left:4d}  {r.step.subject}")
        if r.left:
            line = c("31", line)
        elif not r.files:
            line = c("2", line + " (no change on this base)")
        out.append(line)
    out.append(c("1", f"{'all':<5} {tot[0]:5d} {tot[1]:5d} {tot[2]:7d} {tot[3]:7d} "
                      f"{tot[4]:5d} {tot[5]:4d}  ({len(rows)} steps)"))
    out.append("files/hunks/lines: the step's diff; sites: code lines matching the "
               "step's gone patterns before it; left: after it (0 = all converted)")
    return "\n".join(out)
