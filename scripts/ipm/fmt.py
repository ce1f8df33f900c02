"""Format the lines a step's rules changed, the way the tree's .clang-format
says (clang-format-diff from Debian's clang-format package).

spatch's printer breaks a long call after an argument where a kernel
developer, whose editor runs clang-format on the lines they touch, breaks
after '=' or keeps the call on one line of up to 80 columns.  After the
rules of a step, and before its hand patches (hand-written code is
formatted by hand), the lines the rules added or changed are given to
clang-format-diff.  clang-format reflows the whole statement a given line
belongs to; a change of it that would rewrite a line the rules did not
write, or leave a line ending in '(', is not taken (see merge()).

A kernel developer breaks a call after its '(' only when nothing else
fits (checkpatch's OPEN_ENDED_LINE); clang-format's cost for it is low
(PenaltyBreakBeforeFirstCallParameter 30 in the kernel's .clang-format), so
the tree's style is given with that one penalty raised (style_text()): a
statement clang-format would have broken after '(' gets its next best
layout, e.g. aligned after the '(' of the inner call, instead of keeping
spatch's lines.

Off when the tree has no .clang-format (the note of each patch says so),
with --no-format, or with IPM_FORMAT_LINES=0 (make ... FORMAT_LINES=0)."""

import difflib
import os
import pathlib
import re
import shutil
import tempfile

from . import procs
from .errors import EXIT_NO_TOOL, ToolError

TOOL = "clang-format-diff"

# The cost of a break between a call's '(' and its first argument.
OPEN_PAREN_KEY = "PenaltyBreakBeforeFirstCallParameter"
OPEN_PAREN_PENALTY = 1000


def style_text(text):
    """The .clang-format TEXT with a break after a call's '(' made costly."""
    line = f"{OPEN_PAREN_KEY}: {OPEN_PAREN_PENALTY}"
    new, n = re.subn(rf"^{OPEN_PAREN_KEY}\s*:.*$", line, text, flags=re.M)
    return new if n else text.rstrip("\n") + "\n" + line + "\n"


class Formatter:
    """Formats changed lines with STYLE (a .clang-format file)."""

    def __init__(self, style):
        self.style = pathlib.Path(style)
        self.tool = shutil.which(TOOL)

    def command(self):
        return (f"{TOOL} -p1 -i -style file:STYLE < STEP-RULES.diff  (STYLE: "
                f"<tree>/.clang-format with {OPEN_PAREN_KEY}: {OPEN_PAREN_PENALTY})")

    def apply(self, stage, before, after):
        """Format, in STAGE, the lines of AFTER (rel -> bytes) that differ
        from BEFORE.  Returns (changed lines given to clang-format, lines
        rewritten by it, changes of it refused).

        clang-format reflows a whole statement when one of its lines is
        given; a change of it is kept only where every line it replaces
        is one the rules wrote (a statement the rules touched in part keeps
        its other lines as they were, and so spatch's lines too), and
        where no line ends with an open parenthesis (checkpatch's
        OPEN_ENDED_LINE): a refused change leaves spatch's lines."""
        stage = pathlib.Path(stage)
        todo = {}       # rel -> set of 1-based line numbers the rules wrote
        diffs = []
        with tempfile.TemporaryDirectory(prefix="ipm-fmt.") as tmp:
            tmp = pathlib.Path(tmp)
            old_f = tmp / ".old"
            for rel in sorted(after):
                new = after[rel]
                old = before.get(rel)
                if new is None or old == new or not rel.endswith((".c", ".h")):
                    continue
                old_f.write_bytes(old or b"")
                p = procs.run(["diff", "-U0", "--label", f"a/{rel}", "--label",
                               f"b/{rel}", str(old_f), str(stage / rel)],
                              capture_output=True)
                if p.returncode > 1:
                    raise ToolError(f"diff failed on {rel}: {p.stderr.decode().strip()}")
                lines = added_lines(p.stdout.decode(errors="surrogateescape"))
                if lines:
                    todo[rel] = lines
                    diffs.append(p.stdout)
                    (tmp / "t" / rel).parent.mkdir(parents=True, exist_ok=True)
                    (tmp / "t" / rel).write_bytes(new)
            if not todo:
                return 0, 0, 0
            style = tmp / ".clang-format"
            style.write_text(style_text(self.style.read_text(errors="replace")))
            p = procs.run([self.tool, "-p1", "-i", "-style", f"file:{style}"],
                          input=b"".join(diffs), cwd=tmp / "t", capture_output=True)
            if p.returncode != 0:
                msg = (p.stderr or p.stdout).decode(errors="replace").strip().splitlines()
                raise ToolError(f"{TOOL} failed: {msg[-1] if msg else 'no message'}")
            given = rewritten = refused = 0
            for rel, lines in todo.items():
                given += len(lines)
                mine = after[rel].decode(errors="surrogateescape").split("\n")
                theirs = (tmp / "t" / rel).read_bytes().decode(
                    errors="surrogateescape").split("\n")
                out, n, r = merge(mine, theirs, lines)
                old = before.get(rel)
                if old:
                    out = keep_alignment(
                        old.decode(errors="surrogateescape").split("\n"), out)
                rewritten += n
                refused += r
                if out != mine:
                    (stage / rel).write_bytes("\n".join(out).encode(errors="surrogateescape"))
        return given, rewritten, refused


def added_lines(diff):
    """1-based line numbers of the new file that a -U0 diff adds."""
    out = set()
    for m in re.finditer(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@", diff, re.M):
        start, count = int(m.group(1)), int(m.group(2) or 1)
        out.update(range(start, start + count))
    return out


def merge(mine, theirs, changed):
    """MINE with those changes of THEIRS (clang-format's output) that only
    replace lines in CHANGED (1-based) and end no line with '('.
    Returns (lines, lines rewritten, changes refused)."""
    out, rewritten, refused = [], 0, 0
    sm = difflib.SequenceMatcher(None, mine, theirs, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            out += mine[i1:i2]
            continue
        ok = i2 > i1 and all(i + 1 in changed for i in range(i1, i2)) and \
            not any(l.rstrip().endswith("(") for l in theirs[j1:j2])
        if ok:
            out += theirs[j1:j2]
            rewritten += i2 - i1
        else:
            out += mine[i1:i2]
            refused += 1
    return out, rewritten, refused


# A declaration whose type and name are set apart by tabs (a struct member
# aligned with its neighbours): indentation, type, tabs, the rest.
_ALIGNED = re.compile(r"^(\s*)([A-Za-z_][\w ]*?[\w*])(\t+)(\**[A-Za-z_]\w*(?:\[[^]]*\])?;.*)$")
_SPACED = re.compile(r"^(\s*)([A-Za-z_][\w ]*?[\w*]) (\**[A-Za-z_]\w*(?:\[[^]]*\])?;.*)$")


# A macro definition: its head (name and parameters), the white space after
# it, its body.
_DEFINE = re.compile(r"^(\s*#\s*define\s+\w+(?:\([^)]*\))?)(\s+)(\S.*)$")


def keep_alignment(old, new):
    """NEW (lines) where a changed line keeps the tab alignment its line had
    in OLD: a declaration that a rule gave a new type
    (`struct list_head<TAB>freelist;` that became `struct iommu_pages_list
    freelist;` is written `struct iommu_pages_list<TAB>freelist;`, its name
    at the old column, or the next tab stop when the new type reaches past
    it), and a macro whose body changed keeps the white space between its
    head and its body (clang-format makes it one space)."""
    out = list(new)
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "replace" or i2 - i1 != j2 - j1:
            continue
        for a, j in zip(old[i1:i2], range(j1, j2)):
            m, n = _DEFINE.match(a), _DEFINE.match(new[j])
            if m and n and m.group(1) == n.group(1) and "\t" in m.group(2):
                out[j] = n.group(1) + m.group(2) + n.group(3)
                continue
            m, n = _ALIGNED.match(a), _SPACED.match(new[j])
            if not (m and n and m.group(1) == n.group(1) and m.group(4) == n.group(3)):
                continue
            column = len((m.group(1) + m.group(2) + m.group(3)).expandtabs(8))
            end = len((n.group(1) + n.group(2)).expandtabs(8))
            tabs = max(1, column // 8 - end // 8)
            out[j] = n.group(1) + n.group(2) + "\t" * tabs + n.group(3)
    return out


def disabled_by_env():
    return os.environ.get("IPM_FORMAT_LINES", "").strip() == "0"


class Formatting:
    """What run_step does after the rules: FORMATTER (or None) and NOTE,
    the sentence each patch's notes carry about it."""

    def __init__(self, formatter, note):
        self.formatter = formatter
        self.note = note


def for_tree(tree, enabled=True):
    """How the lines the rules change are formatted on TREE."""
    if not enabled or disabled_by_env():
        return Formatting(None, "Changed lines not formatted (formatting turned off).")
    style = pathlib.Path(tree) / ".clang-format"
    if not style.is_file():
        return Formatting(None, "Changed lines not formatted: the tree has no "
                          ".clang-format.")
    if not shutil.which(TOOL):
        raise ToolError(f"{TOOL} not found: install Debian's clang-format package "
                        "(make deps), or run with --no-format / FORMAT_LINES=0",
                        EXIT_NO_TOOL)
    return Formatting(Formatter(style), "Lines changed by the semantic patches "
                      f"formatted with {TOOL} per the tree's .clang-format "
                      "(only those lines: a reflow that would touch other lines "
                      "is not taken).")
