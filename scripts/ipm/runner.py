"""Apply steps of the series to a staging copy of the scope."""

import pathlib
import re
import re._constants as re_constants
import re._parser as re_parser
import shutil
import tempfile
import time

from . import procs, spatch, tools, tree as treemod
from .csrc import function_at, strip_comments
from .errors import ToolError, EXIT_FINDINGS

SOURCE = re.compile(r"\.(c|h)$")


class StepResult:
    def __init__(self, step, before, after, seconds, commands, format_note=None,
                 by_rules=()):
        self.step = step
        self.changes = treemod.changes(before, after)
        self.by_rules = tuple(by_rules)     # files the rules changed
        self.before = before
        self.seconds = seconds
        self.commands = commands
        self.format_note = format_note      # None: formatting not considered

    def diff(self):
        return unified_diff(self.before, self.changes)


def unified_diff(before, changes):
    """git-style unified diff (a/ b/ prefixes) of CHANGES against BEFORE.

    GNU diff -p names the C function of each hunk, as git does."""
    out = []
    with tempfile.TemporaryDirectory(prefix="ipm-diff.",
                                     ignore_cleanup_errors=True) as tmp:
        old_f, new_f = pathlib.Path(tmp) / "old", pathlib.Path(tmp) / "new"
        for rel, new in sorted(changes.items()):
            old = before.get(rel)
            old_f.write_bytes(old or b"")
            new_f.write_bytes(new or b"")
            fa = f"a/{rel}" if old is not None else "/dev/null"
            fb = f"b/{rel}" if new is not None else "/dev/null"
            p = procs.run(["diff", "-u", "-p", "--label", fa, "--label", fb,
                           str(old_f), str(new_f)], capture_output=True)
            if p.returncode > 1:
                raise ToolError(f"diff failed on {rel}: {p.stderr.decode().strip()}")
            out.append(f"diff --git a/{rel} b/{rel}\n")
            if old is None:
                out.append("new file mode 100644\n")
            if new is None:
                out.append("deleted file mode 100644\n")
            out.append(p.stdout.decode(errors="surrogateescape"))
    return "".join(out)


def diffstat(diff):
    """'N files changed, A insertions(+), D deletions(-)' plus per-file lines."""
    files, cur = {}, None
    for line in diff.splitlines():
        if line.startswith("diff --git "):
            cur = line.split(" b/", 1)[1]
            files[cur] = [0, 0]
        elif cur and line.startswith("+") and not line.startswith("+++"):
            files[cur][0] += 1
        elif cur and line.startswith("-") and not line.startswith("---"):
            files[cur][1] += 1
    width = max((len(f) for f in files), default=0)
    rows = [f" {f:<{width}} | {a + d:4d} {'+' * min(a, 40)}{'-' * min(d, 40)}"
            for f, (a, d) in files.items()]
    ins = sum(a for a, _ in files.values())
    dels = sum(d for _, d in files.values())
    rows.append(f" {len(files)} file{'s' if len(files) != 1 else ''} changed, "
                f"{ins} insertions(+), {dels} deletions(-)")
    return "\n".join(rows)


def apply_patch(patch, stage):
    """Apply a hand-written patch with no fuzz (offsets allowed)."""
    tools.require("patch")
    argv = ["patch", "-p1", "-F0", "-N", "-s", "--no-backup-if-mismatch",
            "-r", "-", "-d", str(stage), "-i", str(patch)]
    p = procs.run(argv, capture_output=True, text=True)
    if p.returncode != 0:
        msg = (p.stdout + p.stderr).strip().splitlines()
        raise ToolError(f"hand patch {patch.parent.name}/{patch.name} does not "
                        f"apply: {msg[0] if msg else 'patch failed'}", EXIT_FINDINGS)


def refusal(step, text):
    """Why the line TEXT that STEP left cannot be converted, or None.

    The step's 'refused' entries of series.toml name the shapes that no
    rule can convert with certainty, each with its reason."""
    for pattern, why in step.refused:
        if pattern.search(text):
            return why
    return None


def leftovers(stage, files, patterns):
    """(rel, line, function, text) for each line matching one of PATTERNS."""
    out = []
    if not patterns:
        return out
    # one alternation tested per line is the same test as any() over the
    # patterns (they carry no flags, groups are not read), 3x faster
    anyof = re.compile("|".join(f"(?:{p.pattern})" for p in patterns))
    # A pattern matches within one line, so a line it matches holds the
    # pattern's required literal: only those lines are tested (and a file
    # without any such literal is not even stripped of its comments).
    needles = [required_literal(p) for p in patterns]
    near = None if None in needles else \
        re.compile("|".join(re.escape(n) for n in sorted(set(needles))))
    for rel in files:
        if not SOURCE.search(rel):
            continue
        text = (stage / rel).read_text(errors="replace")
        if near and not near.search(text):
            continue
        code = strip_comments(text)
        lines = code.split("\n")
        if near:
            cand, n, last = [], 0, 0
            for m in near.finditer(code):
                n += code.count("\n", last, m.start())
                last = m.start()
                if not cand or cand[-1] != n:
                    cand.append(n)
        else:
            cand = range(len(lines))
        hits = [i for i in cand if anyof.search(lines[i])]
        if hits:
            raw = text.split("\n")
            out += [(rel, i + 1, function_at(raw, i + 1), raw[i].strip()) for i in hits]
    return out


def required_literal(pattern, shortest=3):
    """A string that every match of PATTERN contains, or None.

    The longest run of plain characters at the top level of the regular
    expression (outside groups, alternatives and repeats); None when there
    is none of SHORTEST characters or more, or for a case-blind pattern."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        items = re_parser.parse(pattern.pattern).data
    except Exception:       # a private module: never fail a step over it
        return None
    best, run = "", ""
    for op, arg in items + [(None, None)]:
        if op is re_constants.LITERAL:
            run += chr(arg)
            continue
        best, run = max(best, run, key=len), ""
    return best if len(best) >= shortest else None


# Steps after this one fail while a struct page use of iommu-pages memory
# that check would report is left in the stage: by then the allocator core
# no longer hands out struct pages, and apply must not finish with a use
# that only check would find.
STRUCT_PAGE_GATE_AFTER = 15


def struct_page_left(step, stage, scope):
    """One line per struct page use that check would report, with why no
    rule converted it; empty before the gate's steps."""
    if step.number <= STRUCT_PAGE_GATE_AFTER:
        return []
    from . import checker
    lines = []
    for f in sorted(checker.struct_page_findings(stage, scope)):
        text = (pathlib.Path(stage) / f.path).read_text(errors="replace")
        src = text.split("\n")[f.line - 1].strip()
        why = checker.unconverted_reason(stage, scope, f)
        lines.append(f"  {f.path}:{f.line}: {f.function}: {src} "
                     f"(struct page use of iommu-pages memory, {f.what}: {why})")
    return lines


def definition_at(raw, lineno):
    """Name of the function, or of the file-scope definition (an
    initialiser, a macro), that holds line LINENO of the lines RAW."""
    fn = function_at(raw, lineno)
    if fn != "<file scope>":
        return fn
    for i in range(lineno - 1, -1, -1):
        line = raw[i]
        if not line[:1].strip() or line[0] in "{}":
            continue
        m = re.match(r"\s*#\s*define\s+(\w+)", line)
        if m:
            return m.group(1)
        head = line.split("=")[0] if "=" in line else line.split("(")[0]
        names = re.findall(r"[A-Za-z_]\w*", head)
        return names[-1] if names else "<file scope>"
    return "<file scope>"


def parse_note(path, n, fn, regions):
    """Why the call site at line N of PATH, in function FN, was left: the
    function spatch could not parse, or, when spatch parsed it, that no
    rule converts its form (naming where the file's parse errors are)."""
    for first, last, err in regions:
        if first <= n <= last:
            return (f"spatch could not parse {fn}: parse error at line {err}; "
                    "no rule sees this function (a macro for cocci/parsing_hacks.h?)")
    if not regions:
        return f"spatch parsed {fn}: no rule converts this form"
    raw = path.read_text(errors="replace").split("\n")
    where = ", ".join(f"line {err} in {definition_at(raw, err)}" for _, _, err in regions)
    return (f"spatch parsed {fn}: no rule converts this form; the file's "
            f"parse errors are elsewhere ({where})")


def run_step(step, stage, scope, struct_page_gate=True, fmt=None):
    """Apply STEP in place on STAGE; return its StepResult.

    Rules run first, each on the C files of the scope that its prefilter
    keeps (all of them for a rule without one; see prefilter.py), each
    file on its own unless the manifest marks the rule 'together' (one
    group of those files, for a rule whose facts cross files: a header
    field and its users); then the lines the rules changed are formatted
    when FMT (an fmt.Formatting) has a formatter; then the hand patches.
    The step fails if a 'gone' pattern still matches afterwards, and a
    step after STRUCT_PAGE_GATE_AFTER if check would report a struct page
    use of iommu-pages memory (STRUCT_PAGE_GATE false: not tested)."""
    stage = pathlib.Path(stage)
    t0 = time.monotonic()
    before = treemod.read_scope(stage, scope)
    files = [rel for rel in sorted(before) if SOURCE.search(rel)]
    commands, whys = [], []
    spatch.apply_rules(step.rules, stage, files, log=commands, whys=whys)
    note = fmt.note if fmt is not None else None
    ruled = treemod.read_scope(stage, scope) if step.rules else before
    by_rules = sorted(treemod.changes(before, ruled))
    if fmt is not None and fmt.formatter is not None and step.rules:
        given, rewritten, refused = fmt.formatter.apply(stage, before, ruled)
        if given:
            commands.append(f"{fmt.formatter.command()}  # {given} changed line(s) "
                            f"given, {rewritten} reformatted, {refused} change(s) "
                            "refused (they rewrote other lines or ended one in '(')")
    for patch in step.patches:
        apply_patch(patch.path, stage)
        commands.append(f"patch -p1 -F0 -N -i patches/{patch.path.parent.name}/{patch.path.name}")
    after = treemod.read_scope(stage, scope)
    # files a hand patch created in this step are checked too
    left = leftovers(stage, step.gone_files(rel for rel in sorted(after)
                                            if SOURCE.search(rel)), step.gone)
    if left:
        bad = {}
        for rel, *_ in left:
            if rel not in bad:
                bad[rel] = spatch.unparsed_regions(rel, stage)
        lines = []
        for rel, n, fn, text in left:
            why = refusal(step, text) or next(
                (w.reason for w in whys if w.covers(rel, fn, text)), None)
            why = (f"cannot be converted: {why}" if why
                   else parse_note(stage / rel, n, fn, bad[rel]))
            lines.append(f"  {rel}:{n}: {fn}: {text} ({why})")
        raise ToolError(f"step {step.name}: {len(left)} call site(s) not "
                        "converted by any rule:\n" + "\n".join(lines),
                        EXIT_FINDINGS)
    pages = struct_page_left(step, stage, scope) if struct_page_gate else []
    if pages:
        raise ToolError(f"step {step.name}: {len(pages)} struct page use(s) of "
                        "iommu-pages memory not converted by any rule:\n"
                        + "\n".join(pages), EXIT_FINDINGS)
    return StepResult(step, before, after, time.monotonic() - t0, commands, note,
                      by_rules)


class Staged:
    """What run_series did: CHANGES {rel: new bytes, None for a removed
    file} of the whole run against the copy it started from, and COMMANDS
    (every command the steps ran, in order: apply's commands.log).  Each
    step's StepResult goes to the callback only: it holds the scope as the
    step found it, which a run of every step need not keep."""

    def __init__(self, changes, commands):
        self.changes = changes
        self.commands = commands


def restage(src, stage, scope):
    """Make STAGE a fresh copy of SRC's SCOPE: the spatch workers that a
    killed run left working there are stopped, and what it held goes."""
    stage = pathlib.Path(stage)
    procs.kill_strays(stage)
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    treemod.copy_scope(src, stage, scope)


def run_series(steps, stage, scope, *, src=None, on_step=None, before_step=None,
               fmt=None, apply=None):
    """Apply STEPS in order to STAGE, a staging copy of SCOPE; a Staged.

    SRC: the tree whose scope is copied into STAGE first (see restage);
    None: STAGE holds its copy already (bisect-check's copy of the whole
    tree, bench's drifted copy).  BEFORE_STEP(step) is called before each
    step, with the stage as the steps before it left it, and
    ON_STEP(StepResult) after it; when ON_STEP returns true, the series
    stops there.  FMT as for run_step.  APPLY(step, stage) runs a step in
    place of run_step (bisect-check's tests).  A step that fails raises
    its ToolError; the stage is left as it is for the caller to remove."""
    stage = pathlib.Path(stage)
    if src is not None:
        restage(src, stage, scope)
    apply = apply or (lambda step, stage: run_step(step, stage, scope, fmt=fmt))
    before = treemod.read_scope(stage, scope)
    commands = []
    for step in steps:
        if before_step:
            before_step(step)
        res = apply(step, stage)
        commands.extend(res.commands)
        if on_step and on_step(res):
            break
    return Staged(treemod.changes(before, treemod.read_scope(stage, scope)), commands)
