"""The findings of `check`: what they are, and finding them in a tree.

Kinds of finding
  old-api     a name of the order/page based API (docs/spec.md section 2):
              __iommu_{alloc,free}_account, __iommu_{alloc,free}_pages,
              iommu_alloc_pages_node, iommu_alloc_pages, iommu_alloc_page_node,
              iommu_alloc_page, iommu_free_page (any use or definition);
              iommu_free_pages called or defined with two arguments (counted
              at top level, across lines); iommu_put_pages_list called on, or
              defined with, a struct list_head.
  struct-page a struct page value, virt_to_page, page_to_virt, page_to_pfn,
              pfn_to_page, page_address, dma_map_page, dma_unmap_page or
              ->lru/.lru that touches iommu-pages memory (the heuristic
              that decides it is described in dataflow.py).
  free-list   a free list of iommu-pages memory still typed struct list_head:
              its declaration (member, parameter, local, LIST_HEAD()) and
              list_*()/INIT_LIST_HEAD/LIST_HEAD_INIT applied to it.  This is
              the gather freelist of include/linux/iommu.h and every list that
              reaches iommu_put_pages_list (docs/spec.md section 2: the old free-list
              type); the end state types them struct iommu_pages_list.

A struct page use that is not a finding is Allowed, with a reason: the first
Rule of check/allowed.toml that matches it, else a generic one (the Finding
and Allowed records are defined in dataflow.py, which emits them).  Per file the
work is dataflow.FileCheck's; scan() runs it over the scope of the series,
and struct_page_findings() is the quick struct page gate of apply.
"""

import dataclasses
import fnmatch
import pathlib
import re
import tomllib

from .dataflow import PAGE_CALLS, Facts, FileCheck, tree_facts
from .errors import ToolError

ROOT = pathlib.Path(__file__).resolve().parents[2]
ALLOWED_FILE = ROOT / "check" / "allowed.toml"


# ---------------------------------------------------------------------------
# Curated reasons


@dataclasses.dataclass(frozen=True)
class Rule:
    file: str
    function: str
    pattern: str
    reason: str

    def matches(self, path, function, line_text):
        if not fnmatch.fnmatchcase(path, self.file):
            return False
        if self.function and not fnmatch.fnmatchcase(function, self.function):
            return False
        if self.pattern and not re.search(self.pattern, line_text):
            return False
        return True


def load_rules(path=ALLOWED_FILE):
    """The curated reasons of check/allowed.toml, in file order."""
    path = pathlib.Path(path)
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise ToolError(f"{path}: {e}")
    out = []
    for i, a in enumerate(data.get("allowed", []), 1):
        if not a.get("file") or not a.get("reason"):
            raise ToolError(f"{path}: entry {i} needs 'file' and 'reason'")
        if a.get("pattern"):
            try:
                re.compile(a["pattern"])
            except re.error as e:
                raise ToolError(f"{path}: entry {i}: bad pattern: {e}")
        out.append(Rule(a["file"], a.get("function", ""), a.get("pattern", ""),
                        " ".join(a["reason"].split())))
    return out


def check_file(path, text, facts=None, rules=()):
    """Findings and allowed uses of one file (PATH relative to the tree)."""
    fc = FileCheck(path, text, facts or Facts.of_texts([text]), rules)
    return fc.run()


def files_in_scope(tree, scope):
    tree = pathlib.Path(tree)
    out = []
    for rel in scope:
        p = tree / rel
        if p.is_file():
            out.append(p)
        elif p.is_dir():
            out.extend(q for q in p.rglob("*") if q.suffix in (".c", ".h") and q.is_file())
    return sorted(set(out))


def scan(tree, scope, rules=None):
    """(findings, allowed, number of files) for the tree."""
    tree = pathlib.Path(tree)
    rules = load_rules() if rules is None else rules
    facts = tree_facts(tree)
    findings, allowed = [], []
    files = files_in_scope(tree, scope)
    for p in files:
        rel = p.relative_to(tree).as_posix()
        text = p.read_text(errors="replace")
        fc = check_file(rel, text, facts, rules)
        findings.extend(fc.findings)
        allowed.extend(fc.allowed)
    return findings, allowed, len(files)


# ---------------------------------------------------------------------------
# The struct page gate of apply (see runner.run_step)

_PAGE_TEXT = re.compile(r"\bstruct\s+page\b|\b(?:%s)\b|[.>]\s*lru\b"
                        % "|".join(PAGE_CALLS))
_FACT_HEADERS = ("include/linux/iommu.h", "drivers/iommu/iommu-pages.h")
_GATE_CACHE = {}


def struct_page_findings(tree, scope, rules=None):
    """The struct-page findings of the tree, as check reports them.

    Only files that mention a struct page operation are checked, and a
    file's findings are kept by its text and the headers' (check_file
    depends on nothing else): apply asks after every step, and a step
    changes few files."""
    tree = pathlib.Path(tree)
    rules = load_rules() if rules is None else rules
    heads = tuple((tree / rel).read_text(errors="replace")
                  if (tree / rel).is_file() else None for rel in _FACT_HEADERS)
    if len(_GATE_CACHE) > 512:
        _GATE_CACHE.clear()
    facts, out = None, []
    for p in files_in_scope(tree, scope):
        text = p.read_text(errors="replace")
        if not _PAGE_TEXT.search(text):
            continue
        rel = p.relative_to(tree).as_posix()
        key = (rel, text, heads, tuple(rules))
        if key not in _GATE_CACHE:
            facts = facts or Facts.of_texts([h for h in heads if h is not None])
            fc = check_file(rel, text, facts, rules)
            _GATE_CACHE[key] = [f for f in fc.findings if f.kind == "struct-page"]
        out.extend(_GATE_CACHE[key])
    return out
