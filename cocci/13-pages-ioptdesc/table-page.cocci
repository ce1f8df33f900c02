// SPDX-License-Identifier: GPL-2.0-only
/// Reach iommu-pages memory by its address, not through its struct page.
///
/// A table allocated from iommu-pages is a kernel virtual address; its
/// struct page is the allocator's business.  Code that looks the page up
/// only to go back to the address or to its page frame number needs no
/// page at all:
///   page_address(virt_to_page(T))   becomes T
///   page_to_pfn(virt_to_page(T))    becomes PHYS_PFN(virt_to_phys(T))
///   page_to_phys(virt_to_page(T))   becomes virt_to_phys(T)
///   H = dma_map_page(D, virt_to_page(T), 0, S, R)
///                                   becomes H = dma_map_single(D, T, S, R)
///   struct page *pg = virt_to_page(T), used only by page_address(pg),
///   page_to_pfn(pg) and page_to_phys(pg): each use is rewritten as above
///   on T itself when T is a local or a parameter that the function never
///   assigns (the page local goes); otherwise pg becomes a void * that
///   holds T, named after T's member (void *pgd = domain->pgd) when no
///   name of the function is already that, else keeping its name (a page
///   local handed to dma_map_page() is left alone).
/// A DMA handle H (a struct member, by name, or a local) that only such
/// mappings assign in the file is unmapped with dma_unmap_single() instead
/// of dma_unmap_page(): the DMA API wants the unmap that matches the map
/// (CONFIG_DMA_API_DEBUG reports a mismatch), and both do the same.
/// T is iommu-pages memory when, in the same file, it is a struct member
/// (by name) or, in the same function, a local or parameter that is
/// assigned the result of an iommu-pages allocator or handed to
/// iommu_free_page(s)() or iommu_pages_list_add(), or a pointer parameter
/// of a static function that is only called, and every call of which in
/// the file passes such memory.  T is the table itself
/// (a member or a variable, no arithmetic), so it is page aligned and
/// page_address() of its page is T.  A page that is used in any other way
/// (handed to a function, put on a list) is left alone: the free list
/// rule of steps 09-11 converted the list uses, and apply reports what
/// remains.  Step 13 runs it: from there on the allocator describes its
/// memory with its own descriptor.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: virt_to_page

virtual patch
virtual context
virtual report
virtual org

@initialize:python@
@@
import re

MEMF = set()     # member names that hold iommu-pages memory
MEMV = set()     # (function, name) of such locals and parameters
PGALL = {}       # (function, page local) -> number of uses
PGOK = {}        # (function, page local) -> uses converted
MARKS = set()


def note(e, p):
    s = e.replace(" ", "")
    m = re.fullmatch(r".*(?:->|\.)([A-Za-z_]\w*)", s)
    if m:
        MEMF.add(m.group(1))
    elif re.fullmatch(r"[A-Za-z_]\w*", s):
        MEMV.add((p[0].current_element, s))


def ismem(e, p):
    return ismem_in(e, p[0].current_element)


def member(s):
    """The member name of S (no blanks) when S is a chain of member
    accesses of a name (a->b.c), else None."""
    m = re.fullmatch(r"[A-Za-z_][\w>.\-]*(?:->|\.)([A-Za-z_]\w*)", s)
    return m.group(1) if m else None


def ismem_in(e, fn):
    s = e.replace(" ", "")
    if member(s):
        return member(s) in MEMF
    return (fn, s) in MEMV


SPARAMS = {}     # (static function, index) -> its pointer parameter
SCALLS = {}      # (static function, index) -> [(argument, calling function)]
SNAMES = {}      # static function -> places of its name
SCALLED = {}     # static function -> places of its name in calls


def propagate():
    """Add to MEMV the pointer parameters of static functions that are
    only called, with iommu-pages memory in every call, until nothing
    changes (a caller's parameter may be one)."""
    more = True
    while more:
        more = False
        for (f, n), x in SPARAMS.items():
            calls = SCALLS.get((f, n))
            if (f, x) in MEMV or not calls or \
                    SNAMES.get(f, set()) - SCALLED.get(f, set()):
                continue
            if all(ismem_in(e, fn) for e, fn in calls):
                MEMV.add((f, x))
                more = True


NAMES = set()    # (function, name) of every parameter, local and name used
ASSIGNED = set()  # (function, name) of the names a function assigns
NEWNAME = {}     # (function, page local) -> the name its uses become
INLINED = set()  # (function, page local) whose uses become E itself


def rename(k, e):
    """Set what the uses of the page local K = (function, name), declared
    from virt_to_page(E), become: E itself when it is a name the function
    never assigns (K goes to INLINED), else the name of a void * local that
    holds E: E's member name when no name of the function is that, else
    the old one."""
    fn, pg = k
    s = e.replace(" ", "")
    if re.fullmatch(r"[A-Za-z_]\w*", s) and (fn, s) not in ASSIGNED:
        INLINED.add(k)
        NEWNAME[k] = s
    elif member(s) and (fn, member(s)) not in NAMES:
        NEWNAME[k] = member(s)
    else:
        NEWNAME[k] = pg


def inlined(pg, p):
    return (p[0].current_element, pg) in INLINED


def new_ident(pg, p):
    """The identifier the page local PG at P is renamed to."""
    return cocci.make_ident(NEWNAME[(p[0].current_element, pg)])


def spot(p):
    return (p[0].file, p[0].line, p[0].column)


PGDECL = set()   # (function, page local) declared from virt_to_page(T)
HANDLES = {}     # handle key -> True while every mapping into it converts


def handle(h, p):
    """The key of the DMA handle expression H: ('f', member name) or
    ('v', function, name); None for anything else."""
    s = h.replace(" ", "")
    m = re.fullmatch(r"[A-Za-z_][\w>.\-\[\]]*(?:->|\.)([A-Za-z_]\w*)", s)
    if m and "(" not in s:
        return ("f", m.group(1))
    if re.fullmatch(r"[A-Za-z_]\w*", s):
        return ("v", p[0].current_element, s)
    return None


def mapped(h, p, converts):
    k = handle(h, p)
    if k is not None:
        HANDLES[k] = HANDLES.get(k, True) and converts


MAPS = {}        # spot of a dma_map_page() of a table -> its handle key


def mapok(c):
    k = MAPS.get(spot(c))
    return k is not None and HANDLES.get(k, False)


def onlyconv(pg, p):
    """A page local declared from virt_to_page() of a table, every use of
    which converts (a parameter is never one: it has no such declaration)."""
    k = (p[0].current_element, pg)
    return k in PGDECL and PGALL.get(k) == PGOK.get(k)

@gate@
@@
virt_to_page(...)

@mem depends on gate@
expression E, L;
identifier alloc = {iommu_alloc_page, iommu_alloc_pages, iommu_alloc_page_node,
                    iommu_alloc_pages_node, iommu_alloc_pages_sz,
                    iommu_alloc_pages_node_sz, __iommu_alloc_pages};
identifier free = {iommu_free_page, iommu_free_pages, __iommu_free_pages};
position p;
@@
(
E@p = alloc(...)
|
free(E@p, ...)
|
iommu_pages_list_add(L, E@p)
)

@script:python@
e << mem.E;
p << mem.p;
@@
note(e, p)

@memd depends on gate@
identifier alloc = {iommu_alloc_page, iommu_alloc_pages, iommu_alloc_page_node,
                    iommu_alloc_pages_node, iommu_alloc_pages_sz,
                    iommu_alloc_pages_node_sz, __iommu_alloc_pages};
type T;
identifier v;
position p;
@@
T *v@p = alloc(...);

@script:python@
v << memd.v;
p << memd.p;
@@
note(v, p)

// Pointer parameters of static functions, their calls, and every other
// use of the function's name (a callback: its callers are unknown).
@sfp depends on gate@
identifier f, x;
parameter list[n] ps;
type R, T;
@@
static R f(ps, T *x, ...) { ... }

@script:python@
f << sfp.f;
x << sfp.x;
n << sfp.n;
@@
SPARAMS[(f, int(n))] = x

@scall depends on gate@
identifier f : script:python() { any(k[0] == f for k in SPARAMS) };
expression list[n] es;
expression E;
position p;
@@
f@p(es, E, ...)

@script:python@
f << scall.f;
n << scall.n;
e << scall.E;
p << scall.p;
@@
SCALLED.setdefault(f, set()).add(spot(p))
if (f, int(n)) in SPARAMS:
    SCALLS.setdefault((f, int(n)), []).append((e, p[0].current_element))

@sname depends on gate@
identifier f : script:python() { any(k[0] == f for k in SPARAMS) };
position p;
@@
f@p

@script:python@
f << sname.f;
p << sname.p;
@@
SNAMES.setdefault(f, set()).add(spot(p))

@script:python depends on gate@
@@
propagate()

// The names each function has, and those it assigns, for the name of a
// page local's replacement (only in files with such a local).
@pgd0 depends on gate@
identifier pg;
expression E;
@@
struct page *pg = virt_to_page(E);

@nuse depends on pgd0@
identifier i;
position p;
@@
i@p

@script:python@
i << nuse.i;
p << nuse.p;
@@
NAMES.add((p[0].current_element, i))

@npar depends on pgd0@
identifier fn, i;
type T;
@@
fn(..., T i, ...) { ... }

@script:python@
fn << npar.fn;
i << npar.i;
@@
NAMES.add((fn, i))

@ndecl depends on pgd0@
identifier i;
type T;
position p;
@@
(
T i@p;
|
T i@p = ...;
)

@script:python@
i << ndecl.i;
p << ndecl.p;
@@
NAMES.add((p[0].current_element, i))

@nasg depends on pgd0@
identifier i;
expression X;
position p;
@@
(
  i@p = X
|
  i@p += X
|
  i@p -= X
|
  i@p |= X
|
  i@p &= X
|
  i@p <<= X
|
  i@p >>= X
|
  i@p++
|
  i@p--
|
  ++i@p
|
  --i@p
|
  &i@p
)

@script:python@
i << nasg.i;
p << nasg.p;
@@
ASSIGNED.add((p[0].current_element, i))

// Local struct page pointers: every use, and the uses that convert.
@pga depends on gate@
local idexpression struct page *pg;
position q;
@@
pg@q

@script:python@
pg << pga.pg;
q << pga.q;
@@
k = (q[0].current_element, pg)
PGALL[k] = PGALL.get(k, 0) + 1

@pgu depends on gate@
local idexpression struct page *pg;
position q;
@@
(
page_address(pg@q)
|
page_to_pfn(pg@q)
|
page_to_phys(pg@q)
)

@script:python@
pg << pgu.pg;
q << pgu.q;
@@
k = (q[0].current_element, pg)
PGOK[k] = PGOK.get(k, 0) + 1

@pgd depends on gate@
identifier pg;
expression E;
position q, p;
@@
struct page *pg@q = virt_to_page(E@p);

@script:python@
pg << pgd.pg;
q << pgd.q;
e << pgd.E;
p << pgd.p;
@@
k = (q[0].current_element, pg)
if ismem(e, p):
    PGDECL.add(k)
    PGOK[k] = PGOK.get(k, 0) + 1
    PGALL[k] = PGALL.get(k, 0) + 1
    rename(k, e)

// The DMA handles that mappings of tables are stored in, found before
// anything is rewritten: a handle that another dma_map_page() also
// assigns keeps its dma_unmap_page().
@hmapd depends on gate@
expression H, D, E, S, R;
position c;
@@
H = dma_map_page@c(D, virt_to_page(E), 0, S, R)

@script:python@
h << hmapd.H;
e << hmapd.E;
c << hmapd.c;
@@
if ismem(e, c):
    MAPS[spot(c)] = handle(h, c)
    mapped(h, c, True)
else:
    mapped(h, c, False)

@hmapo depends on gate@
expression H, D, P, O, S, R;
position c != hmapd.c;
@@
H = dma_map_page@c(D, P, O, S, R)

@script:python@
h << hmapo.H;
c << hmapo.c;
@@
mapped(h, c, False)

// A mapping of a table, when every mapping into its handle is one, and
// the unmaps of those handles.  Before any other rewrite: the positions
// found above name the file as it was read.
@depends on gate && patch@
expression H, E, D, S, R;
position c : script:python() { mapok(c) };
@@
  H =
- dma_map_page@c(D, virt_to_page(E), 0, S, R)
+ dma_map_single(D, E, S, R)

@hunmap depends on gate@
expression H, D, S, R;
position p;
@@
dma_unmap_page(D, H@p, S, R)

@script:python@
h << hunmap.H;
p << hunmap.p;
@@
if HANDLES.get(handle(h, p)):
    MARKS.add(spot(p))

@depends on gate && patch@
expression H, D, S, R;
position p : script:python() { spot(p) in MARKS };
@@
- dma_unmap_page(D, H@p, S, R)
+ dma_unmap_single(D, H, S, R)

@depends on gate && patch@
identifier pg;
expression E;
position q : script:python(pg) { onlyconv(pg, q) and inlined(pg, q) };
@@
- struct page *pg@q = virt_to_page(E);

@pgk depends on gate && patch@
identifier pg;
expression E;
position q : script:python(pg) { onlyconv(pg, q) and not inlined(pg, q) };
@@
struct page *pg@q = virt_to_page(E);

@script:python pgn@
pg << pgk.pg;
q << pgk.q;
n;
@@
coccinelle.n = new_ident(pg, q)

@depends on gate && patch@
identifier pgk.pg, pgn.n;
expression pgk.E;
position pgk.q;
@@
- struct page *pg@q = virt_to_page(E);
+ void *n = E;

@pgr depends on gate@
identifier pg;
position q;
@@
(
page_address(pg@q)
|
page_to_pfn(pg@q)
|
page_to_phys(pg@q)
)

@script:python@
pg << pgr.pg;
q << pgr.q;
@@
if onlyconv(pg, q):
    MARKS.add(spot(q))

@pgr2 depends on gate && patch@
identifier pg;
position q : script:python() { spot(q) in MARKS };
@@
(
page_address(pg@q)
|
page_to_pfn(pg@q)
|
page_to_phys(pg@q)
)

@script:python pgrn@
pg << pgr2.pg;
q << pgr2.q;
n;
@@
coccinelle.n = new_ident(pg, q)

@depends on gate && patch@
identifier pgr2.pg, pgrn.n;
position pgr2.q;
@@
(
- page_address(pg@q)
+ n
|
- page_to_pfn(pg@q)
+ PHYS_PFN(virt_to_phys(n))
|
- page_to_phys(pg@q)
+ virt_to_phys(n)
)

@direct depends on gate@
expression E;
position p;
@@
(
page_address(virt_to_page(E@p))
|
page_to_pfn(virt_to_page(E@p))
|
page_to_phys(virt_to_page(E@p))
)

@script:python@
e << direct.E;
p << direct.p;
@@
if ismem(e, p):
    MARKS.add(spot(p))

// (A cast of the whole call is rewritten with it: spatch would print a
// space after the cast otherwise.)
@depends on gate && patch@
expression E;
type T;
position p : script:python() { spot(p) in MARKS };
@@
(
- (T)page_to_pfn(virt_to_page(E@p))
+ (T)PHYS_PFN(virt_to_phys(E))
|
- (T)page_to_phys(virt_to_page(E@p))
+ (T)virt_to_phys(E)
)

@depends on gate && patch@
expression E;
position p : script:python() { spot(p) in MARKS };
@@
(
- page_address(virt_to_page(E@p))
+ E
|
- page_to_pfn(virt_to_page(E@p))
+ PHYS_PFN(virt_to_phys(E))
|
- page_to_phys(virt_to_page(E@p))
+ virt_to_phys(E)
)

@r depends on gate && (context || report || org)@
expression E;
position p : script:python(E) { ismem(E, p) };
@@
* virt_to_page(E@p)

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "struct page of iommu-pages memory: use the address")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "struct page of iommu-pages memory: use the address")
