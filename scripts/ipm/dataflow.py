"""Which values of a C file hold iommu-pages memory, and the uses found there.

FileCheck runs per file: it tracks, by a textual dataflow, which storage
holds iommu-pages memory or names a free list of it, then reports old API
names, struct page uses and list_head free lists as Finding and Allowed
records (defined here; findings.py gathers them).  This module stays above 500 lines because FileCheck is one
class whose key, dataflow and report methods share the state of one pass.

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
"""

import dataclasses
import pathlib
import re

from . import csrc

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
# An ALL_CAPS name: a constant, never storage.
CONSTANT = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_INCLUDES_PAGES = re.compile(r'^\s*#\s*include\s*"(?:\.\./)*iommu-pages\.h"', re.M)
_ASSIGN = frozenset({"=", "+=", "-=", "|=", "&=", "^=", "<<=", ">>="})


# The records FileCheck emits (findings.py reports them).

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
            if t.text in csrc.KEYWORDS or CONSTANT.match(t.text):
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
