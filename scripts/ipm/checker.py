"""`check`: what of the old iommu-pages API and of struct page is left.

Scans every .c/.h file under drivers/iommu and include/linux/iommu.h of a
tree (no build, no preprocessor, stdlib only) and reports, one per line:

  findings   file:line: function: what (which old API or struct page use)
  allowed    struct page uses judged unrelated to iommu-pages memory, each
             with its reason (curated in check/allowed.toml, else generic)
  summary    counts; exit 1 when any finding remains, else 0.

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
              ->lru/.lru that touches iommu-pages memory (see below).
  free-list   a free list of iommu-pages memory still typed struct list_head:
              its declaration (member, parameter, local, LIST_HEAD()) and
              list_*()/INIT_LIST_HEAD/LIST_HEAD_INIT applied to it.  This is
              the gather freelist of include/linux/iommu.h and every list that
              reaches iommu_put_pages_list (docs/spec.md section 2: the old free-list
              type); the end state types them struct iommu_pages_list.

The heuristic ("came from iommu-pages"), per file, no cross-file flow:
  * Keys name storage: a local or parameter (function, name), a file-scope
    variable, or a struct member by name alone (x->pd, y.pd: 'pd').  A
    function is a key too: it names the value it returns.
  * MEM, the keys holding iommu-pages memory, is seeded by the allocators
    (iommu_alloc_* of either API, __iommu_alloc_pages) and by the operands
    of iommu_free_pages/iommu_free_page/__iommu_free_pages/
    iommu_pages_list_add.  LIST, the keys naming free lists, is seeded by
    the operand of iommu_put_pages_list, by iommu_pages_list_* operands, by
    struct iommu_pages_list declarations and by the freelist member of
    struct iommu_iotlb_gather.
  * Flow, to a fixed point: an assignment or initialiser whose right side
    mentions MEM puts its target in MEM; a function returning a MEM mention
    is MEM; an argument mentioning MEM makes the callee's parameter MEM (for
    functions of the same file) and a MEM parameter makes the arguments MEM;
    a MEM target assigned from page_address(x)/pfn_to_page(x)/... or a plain
    copy makes x MEM; list_splice and argument passing join LIST keys; an
    element list_add'ed to a LIST key (&B->lru) makes B MEM.  Mentions skip
    sizeof() and ALL_CAPS constants.
  * A struct page use is a finding when its statement (or its parameter, in
    a function header) mentions a MEM or LIST key.  In a file that includes
    iommu-pages.h, ->lru/.lru of a struct page (or of anything whose type is
    not known) is always a finding.  Every other struct page use is listed as
    allowed.

The allocator core (drivers/iommu/iommu-pages.h and iommu-pages.c) owns the
memory descriptor, so dataflow does not apply there: old API names are
findings as everywhere (definitions included), every struct page use is a
finding except inside sizeof()/offsetof()/static_assert()/BUILD_BUG_ON(),
which is how the end state checks that struct ioptdesc overlays struct page
field for field (listed as allowed); folio helpers and the ioptdesc free-list
element are not struct page uses; list_head code there is the implementation
of struct iommu_pages_list and is not reported.

What it cannot see: flow between files (a helper in a header applied to
memory allocated in a .c file is judged in the header alone); flow through
memory other than by member name (a pointer kept in some other structure, or
a table address recovered from a hardware entry in a statement that does not
name the table); calls through function pointers; macros that hide
allocations or struct page uses.  It over-approximates too: a statement that
mentions iommu-pages memory flags every struct page use in it, member keys
are per file and by name (two structs of one file with a member of the same
name share it), and code disabled by #if is scanned as if enabled.

Printing only the findings: main(..., findings_only=True), or
`python3 -m ipm.checker KERNEL --findings-only` from scripts/.
"""

import dataclasses
import fnmatch
import pathlib
import re
import time
import tomllib

from . import csrc
from .errors import EXIT_OK, EXIT_FINDINGS, ToolError

ROOT = pathlib.Path(__file__).resolve().parents[2]
ALLOWED_FILE = ROOT / "check" / "allowed.toml"

CORE = ("drivers/iommu/iommu-pages.h", "drivers/iommu/iommu-pages.c")

# Old API names: every use and every definition is a finding.
OLD_NAMES = (
    "__iommu_alloc_account", "__iommu_free_account", "__iommu_alloc_pages",
    "__iommu_free_pages", "iommu_alloc_pages_node", "iommu_alloc_pages",
    "iommu_alloc_page_node", "iommu_alloc_page", "iommu_free_page",
)
# Functions whose result is iommu-pages memory (old and new API).
ALLOCATORS = frozenset(OLD_NAMES[2:3] + OLD_NAMES[4:8] + (
    "iommu_alloc_pages_node_sz", "iommu_alloc_pages_sz"))
# name -> ((argument index, 'mem' | 'list'), ...)
SINKS = {
    "iommu_free_pages": ((0, "mem"),),
    "iommu_free_page": ((0, "mem"),),
    "__iommu_free_pages": ((0, "mem"),),
    "iommu_put_pages_list": ((0, "list"),),
    "iommu_pages_list_add": ((0, "list"), (1, "mem")),
    "iommu_pages_list_splice": ((0, "list"), (1, "list")),
    "iommu_pages_list_empty": ((0, "list"),),
    "IOMMU_PAGES_LIST_INIT": ((0, "list"),),
    "iommu_pages_free_incoherent": ((0, "mem"),),
    "iommu_pages_start_incoherent": ((0, "mem"),),
    "iommu_pages_flush_incoherent": ((1, "mem"),),
}
# struct page operations (besides the 'struct page' type and ->lru).
PAGE_CALLS = ("virt_to_page", "page_to_virt", "page_to_pfn", "pfn_to_page",
              "page_address", "dma_map_page", "dma_unmap_page")
# Calls whose result is a struct page.
PAGE_RESULT = frozenset({"virt_to_page", "pfn_to_page", "phys_to_page",
                         "virt_to_head_page", "alloc_page", "alloc_pages"})
# Conversions that keep pointing at the same memory: used to follow a
# value back to its operand.
CONVERSIONS = frozenset({"virt_to_page", "page_to_virt", "pfn_to_page",
                         "page_to_pfn", "page_address", "virt_to_phys",
                         "phys_to_virt", "__pa", "__va", "virt_to_pfn",
                         "pfn_to_virt"})
LIST_SPLICE = frozenset({"list_splice", "list_splice_init", "list_splice_tail",
                         "list_splice_tail_init", "list_replace",
                         "list_replace_init"})
LIST_ADD = frozenset({"list_add", "list_add_tail", "list_move",
                      "list_move_tail"})
LAYOUT = frozenset({"sizeof", "offsetof", "static_assert", "_Static_assert",
                    "BUILD_BUG_ON", "BUILD_BUG_ON_MSG", "offsetofend",
                    "typeof_member", "sizeof_field"})
_CONST = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_INCLUDES_PAGES = re.compile(r'^\s*#\s*include\s*"(?:\.\./)*iommu-pages\.h"', re.M)
_ASSIGN = frozenset({"=", "+=", "-=", "|=", "&=", "^=", "<<=", ">>="})


@dataclasses.dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    function: str
    kind: str           # 'old-api' | 'struct-page' | 'free-list'
    what: str           # the name or use, e.g. 'iommu_free_page', '->lru'
    detail: str         # the human text

    def __str__(self):
        return f"{self.path}:{self.line}: {self.function}: {self.detail}"


@dataclasses.dataclass(frozen=True, order=True)
class Allowed:
    path: str
    line: int
    function: str
    what: str
    reason: str
    curated: bool

    def __str__(self):
        return f"{self.path}:{self.line}: {self.function}: {self.what}: {self.reason}"


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


# ---------------------------------------------------------------------------
# Facts about the tree's headers


@dataclasses.dataclass
class Facts:
    has_pages_list: bool = False    # struct iommu_pages_list exists
    struct_members: dict = dataclasses.field(default_factory=dict)

    @classmethod
    def of_texts(cls, texts):
        f = cls()
        for text in texts:
            if re.search(r"\bstruct\s+iommu_pages_list\s*\{", csrc.blank_code(text)):
                f.has_pages_list = True
            u = csrc.Unit(text)
            for s, m in u.struct_members.items():
                f.struct_members.setdefault(s, {}).update(m)
        return f


def tree_facts(tree):
    texts = []
    for rel in ("include/linux/iommu.h", "drivers/iommu/iommu-pages.h"):
        p = pathlib.Path(tree) / rel
        if p.is_file():
            texts.append(p.read_text(errors="replace"))
    return Facts.of_texts(texts)


# ---------------------------------------------------------------------------
# One file


def _t(toks, lo, hi):
    return [x.text for x in toks[lo:hi]]


class FileCheck:
    def __init__(self, path, text, facts, rules):
        self.path = path
        self.text = text
        self.facts = facts
        self.rules = rules
        self.unit = csrc.Unit(text)
        self.core = path in CORE
        self.includes_pages = bool(_INCLUDES_PAGES.search(text)) or self.core
        self.mem = set(("FN", n) for n in ALLOCATORS)
        self.lst = set()
        self.findings = []
        self.allowed = []

    # -- keys -------------------------------------------------------------
    def bare_key(self, seg, name):
        sc = seg.scope
        if sc is not None and (name in sc.params or name in sc.locals):
            return ("L", sc.name, name)
        if name in self.unit.globals:
            return ("G", name)
        if seg.role == "member":
            return ("F", name)
        if sc is not None:
            return ("L", sc.name, name)
        return ("G", name)

    def key_at(self, seg, j):
        toks = seg.toks
        if j > 0 and toks[j - 1].text in ("->", "."):
            return ("F", toks[j].text)
        return self.bare_key(seg, toks[j].text)

    def mentions(self, seg, lo=0, hi=None):
        """Keys mentioned in SEG.toks[lo:hi] (sizeof() and constants skipped;
        a called function is its ('FN', name) key)."""
        toks = seg.toks
        hi = len(toks) if hi is None else hi
        ck = ("m", lo, hi)
        if ck in seg.cache:
            return seg.cache[ck]
        out = set()
        j = lo
        while j < hi:
            t = toks[j]
            if not t.ident:
                j += 1
                continue
            if t.text in ("sizeof", "typeof", "__typeof__") and j + 1 < hi \
                    and toks[j + 1].text == "(":
                j = csrc.matching(toks, j + 1, lo, hi) + 1
                continue
            if t.text in ("struct", "union", "enum", "goto"):
                j += 2
                continue
            if t.text in csrc.KEYWORDS or _CONST.match(t.text):
                j += 1
                continue
            if (j + 1 < hi and toks[j + 1].text == "(" and not (
                    j > 0 and toks[j - 1].text in ("->", "."))) or (
                    seg.role == "header" and t.text == seg.owner):
                out.add(("FN", t.text))
            else:
                out.add(self.key_at(seg, j))
            j += 1
        seg.cache[ck] = out
        return out

    def chain(self, seg, lo, hi):
        """Parse SEG.toks[lo:hi] as an lvalue-ish chain.  Returns (key,
        base_key, last member, base range) or None; conversions such as
        page_address(x) are looked through."""
        toks = seg.toks
        # strip prefixes: & * ++ -- ! and casts
        while lo < hi:
            t = toks[lo].text
            if t in ("&", "*", "++", "--", "!", "-"):
                lo += 1
                continue
            if t == "(":
                close = csrc.matching(toks, lo, lo, hi)
                inner = _t(toks, lo + 1, close)
                if close + 1 < hi and inner and (
                        inner[0] in ("struct", "union", "const", "void", "unsigned")
                        or inner[-1] == "*" or (len(inner) == 1 and inner[0].endswith("_t"))
                        or (len(inner) == 1 and inner[0] in ("u8", "u16", "u32", "u64"))):
                    lo = close + 1      # a cast
                    continue
                if close + 1 == hi:
                    lo, hi = lo + 1, close     # outer parens
                    continue
            break
        if lo >= hi:
            return None
        t = toks[lo]
        if not t.ident:
            return None
        j = lo + 1
        if j < hi and toks[j].text == "(":
            close = csrc.matching(toks, j, lo, hi)
            if t.text in CONVERSIONS:
                args = csrc.split_args(toks, j + 1, close)
                inner = self.chain(seg, *args[0]) if args else None
                key = inner[0] if inner else None
            else:
                key = ("FN", t.text)
            j = close + 1
            base_key, last, base_rng = key, None, (lo, j)
        else:
            key = self.key_at(seg, lo)
            base_key, last, base_rng = None, None, (lo, lo + 1)
        while j < hi:
            x = toks[j].text
            if x in ("->", ".") and j + 1 < hi and toks[j + 1].ident:
                base_key, base_rng = key, (lo, j)
                key = ("F", toks[j + 1].text)
                last = toks[j + 1].text
                j += 2
            elif x == "[":
                j = csrc.matching(toks, j, lo, hi) + 1
            elif x in ("++", "--"):
                j += 1
            elif x in ("+", "-"):
                break           # pointer arithmetic: the pointer's key
            else:
                return None
        return key, base_key, last, base_rng

    def lkey(self, seg, lo, hi):
        c = self.chain(seg, lo, hi)
        return c[0] if c else None

    def type_of(self, seg, lo, hi):
        """Base type name of the lvalue SEG.toks[lo:hi], or None."""
        c = self.chain(seg, lo, hi)
        if not c:
            return None
        key, base_key, last, _rng = c
        if key is None:
            return None
        if key[0] == "L":
            sc = self.unit.scopes.get(key[1]) or seg.scope
            return sc.types.get(key[2]) if sc else None
        if key[0] == "G":
            return self.unit.globals.get(key[1])
        if key[0] == "F":
            name = key[1]
            # typed base: gather->freelist
            if base_key is not None and base_key[0] in ("L", "G"):
                btype = None
                if base_key[0] == "L":
                    sc = self.unit.scopes.get(base_key[1])
                    btype = sc.types.get(base_key[2]) if sc else None
                else:
                    btype = self.unit.globals.get(base_key[1])
                for members in (self.unit.struct_members.get(btype),
                                self.facts.struct_members.get(btype)):
                    if members and name in members:
                        return members[name]
            if name in self.unit.members:
                return self.unit.members[name]
            for members in self.facts.struct_members.values():
                if name in members:
                    return members[name]
        return None

    # -- segment structure --------------------------------------------------
    def calls(self, seg):
        if "calls" in seg.cache:
            return seg.cache["calls"]
        toks = seg.toks
        out = []
        start = 1 if seg.role == "macro" else 0
        for j in range(start, len(toks) - 1):
            if toks[j].ident and toks[j + 1].text == "(" and \
                    toks[j].text not in csrc.KEYWORDS and \
                    not (j > 0 and toks[j - 1].text in ("->", ".")):
                if seg.role == "header":
                    continue
                close = csrc.matching(toks, j + 1)
                out.append((toks[j].text, j, csrc.split_args(toks, j + 2, close)))
        seg.cache["calls"] = out
        return out

    def assignments(self, seg):
        """(lhs key, rhs (lo, hi)) for each '=' and compound assignment."""
        if "assign" in seg.cache:
            return seg.cache["assign"]
        toks = seg.toks
        depth = [0] * len(toks)
        d = 0
        for j, x in enumerate(toks):
            if x.text in "([{":
                depth[j] = d
                d += 1
            elif x.text in ")]}":
                d -= 1
                depth[j] = d
            else:
                depth[j] = d
        out = []
        stop_back = {",", "(", "{", "&&", "||", "?", ":", "!", "return", ";"}
        for j, x in enumerate(toks):
            if x.text not in _ASSIGN:
                continue
            dj = depth[j]
            # left side: back to a stop at the same depth
            k = j - 1
            while k >= 0 and not (depth[k] == dj and toks[k].text in stop_back) \
                    and depth[k] >= dj:
                k -= 1
            lhs_lo = k + 1
            # right side: forward to ',' ';' or a closing bracket at depth dj
            m = j + 1
            while m < len(toks) and depth[m] >= dj and not (
                    depth[m] == dj and toks[m].text in (",", ")", "]", "}", ";")):
                m += 1
            lk = self._lhs_key(seg, lhs_lo, j)
            if lk is not None:
                out.append((lk, (j + 1, m)))
        seg.cache["assign"] = out
        return out

    def _lhs_key(self, seg, lo, hi):
        toks = seg.toks
        k = hi - 1
        while k >= lo and toks[k].text == "]":
            # skip a trailing [..] group
            depth = 0
            while k >= lo:
                if toks[k].text == "]":
                    depth += 1
                elif toks[k].text == "[":
                    depth -= 1
                    if depth == 0:
                        break
                k -= 1
            k -= 1
        if k < lo or not toks[k].ident:
            return None
        return self.key_at(seg, k)

    # -- dataflow -------------------------------------------------------------
    def seed(self):
        for seg in self.unit.segments:
            toks = seg.toks
            # struct iommu_pages_list declarations are free lists
            if seg.role in ("body", "param", "member", "file"):
                for name, base, _s, ni, _i, isf in csrc.parse_decl(toks):
                    if base == "iommu_pages_list" and not isf:
                        self.lst.add(self.key_at(seg, ni))
            # the gather's member
            if seg.role == "member" and seg.owner == "struct iommu_iotlb_gather":
                for name, *_ in csrc.parse_decl(toks):
                    if name == "freelist":
                        self.lst.add(("F", "freelist"))
            for j in range(len(toks) - 2):
                if toks[j].ident and toks[j + 1].text in ("->", ".") and \
                        toks[j + 2].text == "freelist":
                    k = self.key_at(seg, j)
                    if k[0] == "L":
                        sc = self.unit.scopes.get(k[1])
                        if sc and sc.types.get(k[2]) == "iommu_iotlb_gather":
                            self.lst.add(("F", "freelist"))

    def flow(self):
        """One pass over the file; True if MEM or LIST grew."""
        before = (len(self.mem), len(self.lst))
        mem, lst = self.mem, self.lst
        funcs = self.unit.scopes
        for seg in self.unit.segments:
            if seg.role in ("header", "param"):
                continue
            for name, j, args in self.calls(seg):
                for idx, which in SINKS.get(name, ()):
                    if idx < len(args):
                        k = self.lkey(seg, *args[idx])
                        if k is not None:
                            (mem if which == "mem" else lst).add(k)
                if name in LIST_SPLICE and len(args) >= 2:
                    ks = [self.lkey(seg, *a) for a in args[:2]]
                    if any(k in lst for k in ks if k):
                        lst.update(k for k in ks if k)
                if name in LIST_ADD and len(args) >= 2:
                    lk = self.lkey(seg, *args[1])
                    if lk in lst:
                        c = self.chain(seg, *args[0])
                        if c and c[2] == "lru" and c[1] is not None:
                            mem.add(c[1])
                        elif c and c[0] is not None:
                            mem.add(c[0])
                sc = funcs.get(name)
                if sc is not None and not name.startswith("#"):
                    for i, a in enumerate(args):
                        if i >= len(sc.params):
                            break
                        pk = ("L", name, sc.params[i])
                        ak = self.lkey(seg, *a)
                        if pk not in mem and self.mentions(seg, *a) & mem:
                            mem.add(pk)
                        if pk in mem and ak is not None and ak[0] != "FN":
                            mem.add(ak)
                        if ak is not None and ak in lst:
                            lst.add(pk)
                        if pk in lst and ak is not None and ak[0] != "FN":
                            lst.add(ak)
            for lk, (lo, hi) in self.assignments(seg):
                if lk not in mem and self.mentions(seg, lo, hi) & mem:
                    mem.add(lk)
                rk = self.lkey(seg, lo, hi)
                if rk is not None and rk[0] != "FN":
                    if lk in mem:
                        mem.add(rk)
                    if rk in lst:
                        lst.add(lk)
                    if lk in lst:
                        lst.add(rk)
            # returns
            if seg.scope is not None and seg.role == "body":
                toks = seg.toks
                for j, x in enumerate(toks):
                    if x.text == "return" and j + 1 < len(toks):
                        fk = ("FN", seg.scope.name)
                        if fk not in mem and self.mentions(seg, j + 1, len(toks)) & mem:
                            mem.add(fk)
                        if fk in mem:
                            rk = self.lkey(seg, j + 1, len(toks))
                            if rk is not None and rk[0] != "FN":
                                mem.add(rk)
        return (len(self.mem), len(self.lst)) != before

    # -- reports --------------------------------------------------------------
    def find(self, seg, j, kind, what, detail):
        self.findings.append(Finding(self.path, seg.toks[j].line, seg.owner,
                                     kind, what, detail))

    def allow(self, seg, j, what, reason=None):
        line = seg.toks[j].line
        text = self.unit.lines[line - 1] if line - 1 < len(self.unit.lines) else ""
        for r in self.rules:
            if r.matches(self.path, seg.owner, text):
                self.allowed.append(Allowed(self.path, line, seg.owner, what,
                                            r.reason, True))
                return
        self.allowed.append(Allowed(self.path, line, seg.owner, what,
                                    reason or self.generic_reason(), False))

    def generic_reason(self):
        if not self.uses_pages:
            return "file does not use iommu-pages"
        return ("not traced to iommu-pages memory (no allocation, free or "
                "free list of it reaches this statement)")

    def old_api(self):
        for seg in self.unit.segments:
            toks = seg.toks
            for j, t in enumerate(toks):
                if not t.ident:
                    continue
                name = t.text
                if name not in OLD_NAMES and name not in (
                        "iommu_free_pages", "iommu_put_pages_list"):
                    continue
                if j > 0 and toks[j - 1].text in ("->", "."):
                    continue
                is_def = (seg.role == "header" and j == len(toks) - 1) or \
                    (seg.role == "macro" and j == 0) or \
                    (seg.role == "file" and j + 1 < len(toks) and toks[j + 1].text == "(")
                how = "definition" if is_def else "call" \
                    if j + 1 < len(toks) and toks[j + 1].text == "(" else "use"
                if name in OLD_NAMES:
                    self.find(seg, j, "old-api", name, f"old API {how} ({name})")
                    continue
                if is_def and seg.role == "header":
                    params = self.params_of(seg)
                else:
                    params = None
                args = None
                if j + 1 < len(toks) and toks[j + 1].text == "(":
                    close = csrc.matching(toks, j + 1)
                    args = [a for a in csrc.split_args(toks, j + 2, close) if a[0] < a[1]]
                if name == "iommu_free_pages":
                    n = len(params) if params is not None else (
                        len(args) if args is not None else 0)
                    if n == 2:
                        self.find(seg, j, "old-api", "iommu_free_pages/2",
                                  f"old API {how} (iommu_free_pages with an order)")
                elif name == "iommu_put_pages_list":
                    if params is not None:
                        old = bool(params) and params[0][1] == "list_head"
                    elif args and how == "call" and not is_def:
                        ty = self.type_of(seg, *args[0])
                        old = ty == "list_head" or (
                            not self.facts.has_pages_list and ty != "iommu_pages_list")
                    elif args and is_def:
                        decl = csrc.parse_decl(toks, *args[0])
                        old = bool(decl) and decl[0][1] == "list_head"
                    else:
                        old = False
                    if old:
                        self.find(seg, j, "old-api", "iommu_put_pages_list(list_head)",
                                  f"old API {how} (iommu_put_pages_list on a "
                                  "struct list_head)")

    def params_of(self, seg):
        """[(name, base type)] of the function whose header is SEG."""
        out = []
        for s in self.unit.segments:
            if s.role == "param" and s.owner == seg.owner and s.scope is seg.scope:
                d = csrc.parse_decl(s.toks)
                if d:
                    out.append((d[0][0], d[0][1]))
        return out

    def page_uses(self, seg):
        """(index, what) of each struct page use in SEG."""
        toks = seg.toks
        out = []
        for j, t in enumerate(toks):
            x = t.text
            if x == "struct" and j + 1 < len(toks) and toks[j + 1].text == "page":
                out.append((j, "struct page"))
            elif x in PAGE_CALLS and not (j > 0 and toks[j - 1].text in ("->", ".")):
                out.append((j, x))
            elif x == "lru" and j > 0 and toks[j - 1].text in ("->", "."):
                out.append((j, toks[j - 1].text + "lru"))
        return out

    def in_layout(self, seg, j):
        """Is token j inside sizeof()/offsetof()/static_assert()...?"""
        toks = seg.toks
        depth = 0
        for k in range(j - 1, -1, -1):
            x = toks[k].text
            if x == ")":
                depth += 1
            elif x == "(":
                if depth == 0:
                    if k > 0 and toks[k - 1].text in LAYOUT:
                        return True
                else:
                    depth -= 1
        return False

    def struct_page(self):
        for seg in self.unit.segments:
            uses = self.page_uses(seg)
            if not uses:
                continue
            for j, what in uses:
                if self.core:
                    if self.in_layout(seg, j):
                        self.allow(seg, j, what,
                                   "allocator core: layout check of the "
                                   "descriptor that overlays struct page")
                    else:
                        self.find(seg, j, "struct-page", what,
                                  f"struct page use in the allocator core ({what}; "
                                  "the core reaches its memory through folios "
                                  "and struct ioptdesc)")
                    continue
                hit = self.mentions(seg) & (self.mem | self.lst)
                if what.endswith("lru"):
                    btype = self.lru_base_type(seg, j)
                    if btype not in (None, "page"):
                        self.allow(seg, j, what, f"member of struct {btype}, "
                                   "not of a struct page")
                        continue
                    if self.includes_pages:
                        via = ", ".join(sorted(self.key_name(k) for k in hit))
                        self.find(seg, j, "struct-page", what,
                                  f"struct page use on iommu-pages memory ({what}: "
                                  "a struct page chained by hand in a file using "
                                  "iommu-pages" + (f"; via {via}" if via else "") + ")")
                        continue
                if hit:
                    via = ", ".join(sorted(self.key_name(k) for k in hit))
                    self.find(seg, j, "struct-page", what,
                              f"struct page use on iommu-pages memory ({what}; via {via})")
                else:
                    self.allow(seg, j, what)

    def lru_base_type(self, seg, j):
        """Base type of the expression whose ->lru is at token j."""
        lo, hi = self.lru_base(seg, j)
        toks = seg.toks
        while lo < hi and toks[lo].text in ("&", "*", "("):
            lo += 1
        if lo + 1 < hi and toks[lo].text in PAGE_RESULT and toks[lo + 1].text == "(":
            return "page"
        return self.type_of(seg, lo, hi)

    def lru_base(self, seg, j):
        """Token range of the expression whose ->lru is at token j."""
        toks = seg.toks
        end = j - 1         # the -> or .
        k = end - 1
        while k >= 0:
            x = toks[k].text
            if x in (")", "]"):
                depth = 0
                while k >= 0:
                    if toks[k].text in (")", "]"):
                        depth += 1
                    elif toks[k].text in ("(", "["):
                        depth -= 1
                        if depth == 0:
                            break
                    k -= 1
                k -= 1
                continue
            if toks[k].ident or x in ("->", "."):
                k -= 1
                continue
            break
        return k + 1, end

    @staticmethod
    def key_name(k):
        if k[0] == "F":
            return "->" + k[1]
        if k[0] == "FN":
            return k[1] + "()"
        return k[-1]

    def free_lists(self):
        if self.core:
            return
        for seg in self.unit.segments:
            toks = seg.toks
            if seg.role in ("body", "param", "member", "file"):
                for name, base, _s, ni, _i, isf in csrc.parse_decl(toks):
                    if isf or base != "list_head":
                        continue
                    k = self.key_at(seg, ni)
                    if seg.role == "member":
                        k = ("F", name)
                    if k in self.lst:
                        macro = ni > 0 and toks[ni - 1].text == "("
                        what = "LIST_HEAD" if macro else "struct list_head"
                        self.find(seg, ni, "free-list", what,
                                  f"free list of iommu-pages memory declared with "
                                  f"{'LIST_HEAD()' if macro else 'struct list_head'} "
                                  f"({name}; end state: struct iommu_pages_list)")
            if seg.role == "header":
                continue
            for name, j, args in self.calls(seg):
                if not (name.startswith("list_") or name in (
                        "INIT_LIST_HEAD", "LIST_HEAD_INIT")):
                    continue
                for a in args:
                    k = self.lkey(seg, *a)
                    if k is None or k not in self.lst:
                        continue
                    ty = self.type_of(seg, *a)
                    if ty == "list_head" or (ty is None and not self.facts.has_pages_list):
                        self.find(seg, j, "free-list", name,
                                  f"list_head operation on an iommu-pages free list "
                                  f"({name} on {self.key_name(k)})")
                        break

    def run(self):
        self.uses_pages = self.includes_pages or any(
            n in self.text for n in ("iommu_alloc_pages", "iommu_alloc_page",
                                     "iommu_free_page", "iommu_put_pages_list",
                                     "iommu_pages_list"))
        self.old_api()
        if not self.core:
            self.seed()
            for _ in range(50):
                if not self.flow():
                    break
        self.struct_page()
        self.free_lists()
        self.findings = sorted(set(self.findings), key=lambda f: (f.line, f.what))
        self.allowed = sorted(set(self.allowed), key=lambda a: (a.line, a.what))
        return self


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
# Names whose call on a struct page is the use itself, not a hand-over.
_NOT_CALLEES = frozenset(PAGE_CALLS) | LIST_ADD | LIST_SPLICE | frozenset({
    "if", "for", "while", "switch", "return", "sizeof", "list_del",
    "list_del_init", "INIT_LIST_HEAD", "list_first_entry",
    "list_for_each_entry", "list_for_each_entry_safe"})


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
        if name in _NOT_CALLEES or _CONST.match(name):
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
