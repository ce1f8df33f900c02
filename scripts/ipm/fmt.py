"""Format the lines a step's rules changed, the way the tree's .clang-format
says (clang-format-diff from Debian's clang-format package).

spatch's printer breaks a long call after an argument where a kernel
developer, whose editor runs clang-format on the lines they touch, breaks
after '=' or keeps the call on one line of up to 80 columns.  After the
rules of a step, and before its hand patches (hand-written code is
formatted by hand), the lines the rules added or changed are given to
clang-format-diff: only those lines, never the rest of a file.

Off when the tree has no .clang-format (the note of each patch says so),
with --no-format, or with IPM_FORMAT_LINES=0 (make ... FORMAT_LINES=0)."""

import os
import pathlib
import shutil
import subprocess
import tempfile

from .errors import ToolError

TOOL = "clang-format-diff"


class Formatter:
    """Formats changed lines with STYLE (a .clang-format file)."""

    def __init__(self, style):
        self.style = pathlib.Path(style)
        self.tool = shutil.which(TOOL)

    def command(self):
        return f"{TOOL} -p1 -i -style file:<tree>/.clang-format < STEP-RULES.diff"

    def apply(self, stage, before, after):
        """Format, in STAGE, the lines of AFTER (rel -> bytes) that differ
        from BEFORE; returns (files, lines) given to clang-format."""
        stage = pathlib.Path(stage)
        diffs, nfiles, nlines = [], 0, 0
        with tempfile.TemporaryDirectory(prefix="ipm-fmt.") as tmp:
            old_f = pathlib.Path(tmp) / "old"
            for rel in sorted(after):
                new = after[rel]
                old = before.get(rel)
                if new is None or old == new or not rel.endswith((".c", ".h")):
                    continue
                old_f.write_bytes(old or b"")
                p = subprocess.run(["diff", "-U0", "--label", f"a/{rel}", "--label",
                                    f"b/{rel}", str(old_f), str(stage / rel)],
                                   capture_output=True)
                if p.returncode > 1:
                    raise ToolError(f"diff failed on {rel}: {p.stderr.decode().strip()}")
                added = sum(1 for l in p.stdout.splitlines()
                            if l.startswith(b"+") and not l.startswith(b"+++"))
                if added:
                    diffs.append(p.stdout)
                    nfiles += 1
                    nlines += added
        if not diffs:
            return 0, 0
        p = subprocess.run([self.tool, "-p1", "-i", "-style", f"file:{self.style}"],
                           input=b"".join(diffs), cwd=stage, capture_output=True)
        if p.returncode != 0:
            msg = (p.stderr or p.stdout).decode(errors="replace").strip().splitlines()
            raise ToolError(f"{TOOL} failed: {msg[-1] if msg else 'no message'}")
        return nfiles, nlines


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
                        "(make deps), or run with --no-format / FORMAT_LINES=0")
    return Formatting(Formatter(style), "Lines changed by the semantic patches "
                      f"formatted with {TOOL} per the tree's .clang-format "
                      "(those lines only).")
