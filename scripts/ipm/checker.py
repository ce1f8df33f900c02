"""`check`: what of the old iommu-pages API and of struct page is left.

Scans every .c/.h file under drivers/iommu and include/linux/iommu.h of a
tree (no build, no preprocessor, stdlib only) and reports, one per line:

  findings   file:line: function: what (which old API or struct page use)
  allowed    struct page uses judged unrelated to iommu-pages memory, each
             with its reason (curated in check/allowed.toml, else generic)
  summary    counts; exit 1 when any finding remains, else 0.

This module is the report: main() prints it, unconverted_reason() says why
a struct page finding is left after apply.  The work is done in two others:
dataflow.py (FileCheck: per file, which values hold iommu-pages memory, and
the heuristic's limits) and findings.py (the kinds of finding, Finding,
Allowed, Rule, scan() and the struct page gate of apply).  Their public
names are re-exported here, so callers need only `from ipm import checker`.

Printing only the findings: main(..., findings_only=True), or
`python3 -m ipm.checker KERNEL --findings-only` from scripts/.
"""

import pathlib
import re
import time

from . import csrc
from .dataflow import (ALLOCATORS, CONVERSIONS, CORE, LAYOUT, LIST_ADD,
                       LIST_SPLICE, OLD_NAMES, PAGE_CALLS, PAGE_RESULT, SINKS,
                       CONSTANT, Allowed, Facts, FileCheck, Finding, tree_facts)
from .errors import EXIT_OK, EXIT_FINDINGS
from .findings import (ALLOWED_FILE, ROOT, Rule, check_file, files_in_scope,
                       load_rules, scan, struct_page_findings)

__all__ = [
    "ROOT", "ALLOWED_FILE", "CORE", "OLD_NAMES", "ALLOCATORS", "SINKS",
    "PAGE_CALLS", "PAGE_RESULT", "CONVERSIONS", "LIST_SPLICE", "LIST_ADD",
    "LAYOUT", "Finding", "Allowed", "Rule", "load_rules", "Facts", "tree_facts",
    "FileCheck", "check_file", "files_in_scope", "scan", "struct_page_findings",
    "unconverted_reason", "main",
]

# Names whose call on a struct page is the use itself, not a hand-over.
_NOT_CALLEES = frozenset(PAGE_CALLS) | LIST_ADD | LIST_SPLICE | frozenset({
    "if", "for", "while", "switch", "return", "sizeof", "list_del",
    "list_del_init", "INIT_LIST_HEAD", "list_first_entry",
    "list_for_each_entry", "list_for_each_entry_safe"})


def _call_args(line, start):
    """The top-level arguments of the call whose '(' ends at START."""
    args, depth, cur = [], 0, ""
    for c in line[start:]:
        if c == ")" and depth == 0:
            break
        if c == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
            continue
        depth += (c in "([") - (c in ")]")
        cur += c
    return args + [cur.strip()]


def unconverted_reason(tree, scope, finding):
    """Why no rule converted FINDING, in a few words.

    A struct page handed to a function is the usual reason: the function
    is named, and said to be outside the scope when the scope does not
    define it (no rule can change what it takes)."""
    tree = pathlib.Path(tree)
    text = (tree / finding.path).read_text(errors="replace").split("\n")
    line = csrc.strip_comments("\n".join(text)).split("\n")[finding.line - 1]
    pages = set(re.findall(r"\bstruct\s+page\s*\*\s*([A-Za-z_]\w*)", "\n".join(text)))
    for m in re.finditer(r"\b([A-Za-z_]\w*)\s*\(", line):
        name = m.group(1)
        if name in _NOT_CALLEES or CONSTANT.match(name):
            continue
        if not any(re.match(r"(?:%s)\s*\(" % "|".join(PAGE_RESULT), a) or a in pages
                   for a in _call_args(line, m.end())):
            continue
        define = re.compile(r"^[A-Za-z_][^;=(]*\b%s\s*\([^;]*$" % re.escape(name), re.M)
        inside = any(define.search(q.read_text(errors="replace"))
                     for q in files_in_scope(tree, scope))
        where = "a function of the scope that no rule changes" if inside else \
            "a function outside drivers/iommu"
        return f"the struct page is passed to {name}(), {where}"
    return f"no rule converts this use of {finding.what} on iommu-pages memory"


def main(tree, scope, say, findings_only=False):
    """Print the report; EXIT_FINDINGS if anything remains, else EXIT_OK.
    FINDINGS_ONLY hides the allowed list."""
    t0 = time.monotonic()
    findings, allowed, nfiles = scan(tree, scope)
    if findings:
        say(f"findings (old iommu-pages API or struct page on iommu-pages memory): {len(findings)}")
        for f in findings:
            say(str(f))
    else:
        say("findings: none")
    if not findings_only:
        say()
        say(f"allowed (unrelated to iommu-pages memory): {len(allowed)}")
        for a in allowed:
            say(str(a))
    say()
    kinds = {}
    for f in findings:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    nf = len({f.path for f in findings})
    parts = ", ".join(f"{k} {kinds[k]}" for k in ("old-api", "struct-page", "free-list")
                      if k in kinds)
    say(f"summary: {len(findings)} finding(s) in {nf} file(s)"
        + (f" ({parts})" if parts else "")
        + f"; {len(allowed)} allowed use(s); {nfiles} files scanned in "
        f"{time.monotonic() - t0:.1f} s")
    return EXIT_FINDINGS if findings else EXIT_OK


if __name__ == "__main__":
    import argparse
    import sys
    ap = argparse.ArgumentParser(description="report old iommu-pages API and "
                                 "struct page uses (run as python3 -m ipm.checker)")
    ap.add_argument("kernel")
    ap.add_argument("--findings-only", action="store_true")
    a = ap.parse_args()
    from .manifest import scope
    sys.exit(main(pathlib.Path(a.kernel), scope(), print, a.findings_only))
