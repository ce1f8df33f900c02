// SPDX-License-Identifier: GPL-2.0-only
/// Make the free lists of iommu-pages memory struct iommu_pages_list.
///
/// Page tables that are unlinked from a domain are chained on a list and
/// freed after the IOTLB flush.  The drivers build those lists by hand,
/// through the lru field of each table's struct page; they become struct
/// iommu_pages_list, filled with iommu_pages_list_add().
///
/// A free list is found by what is done with it, never by its name: a list
/// head is one when it is passed to iommu_put_pages_list() or
/// iommu_pages_list_add().  Function parameters (a call binds the argument
/// to the parameter), list_splice*() (both lists hold the same pages) and
/// struct fields (every access of the field is the same list) join list
/// heads into one class, which is converted as a whole or not at all.  A
/// class is left alone when one of its list heads is used in a way the new
/// type cannot express (another list_*() call or iterator, a function
/// outside the files seen), when one is declared outside those files (a
/// global, or a struct field of a header that is not part of the run), when
/// one is a parameter of a function with external linkage (its callers may
/// live elsewhere), or when an entry reaches it in a shape not converted.
/// Lists of struct pages that are not iommu-pages memory (given back with
/// put_pages_list() or __free_page()) never reach the iommu-pages API and
/// stay as they are.
///
/// The entry shapes, each of which becomes iommu_pages_list_add(list, addr):
///   direct      list_add_tail(&virt_to_page(addr)->lru, list) (or list_add)
///   helper      a static void function whose body is only such an add, of
///               its pointer parameter to its list parameter, and which is
///               only called: the helper goes, its callers add themselves
///   local-page  a local struct page pointer, taken from virt_to_page(addr)
///               or from pfn_to_page(phys >> PAGE_SHIFT) of a table
///               address, put on the list, whose only other use is
///               page_address(): it becomes a void * that holds addr or
///               phys_to_virt(phys) (a table address is page aligned), or
///               disappears when the add is its only use
/// -D shapes=a,b selects the shapes (default: all).  The series runs this
/// rule three times: step 09 with "direct" (the riscv driver), step 10 with
/// "direct,helper" (amd), step 11 with all shapes and all files of the
/// scope as one group (the intel walk, and the iotlb gather list, whose
/// field is declared in include/linux/iommu.h and used in .c files).
///
/// On a converted class the type becomes struct iommu_pages_list,
/// LIST_HEAD(x) an IOMMU_PAGES_LIST_INIT() initialiser, INIT_LIST_HEAD(&x)
/// an assignment of IOMMU_PAGES_LIST_INIT(x), LIST_HEAD_INIT(x)
/// IOMMU_PAGES_LIST_INIT(x), list_empty() iommu_pages_list_empty(),
/// list_splice() and list_splice_tail() iommu_pages_list_splice() (the
/// order of a free list does not matter), and list_splice_init() the
/// splice followed by a re-initialisation of the source, which
/// iommu_pages_list_splice() leaves stale.  iommu_put_pages_list() calls
/// stay: it takes both list types until step 12.  Comments next to a
/// removed helper are kept (a section comment above it often introduces
/// the functions that follow).
///
// Confidence: Moderate
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: iommu_put_pages_list iommu_pages_list_add
// Prefilter-together: @free-lists

#spatch --keep-comments

virtual patch
virtual context
virtual report
virtual org

@initialize:python@
@@
import re

# Entry shapes converted (see the header); -D shapes=... narrows them.
SHAPES = {"direct", "helper", "local-page"}

BAD = ("bad",)


class Group:
    """What is known about the files that spatch processes together.

    Keys: ("v", function, name) for a parameter or local, ("f", "struct
    s", field) for a struct field, ("pg", function, name) for a local
    struct page pointer.  Functions of one name in two files of a group
    share keys: they are converted together or not at all."""

    def __init__(self, files):
        self.files = files
        self.parent = {}
        self.declared = set()     # keys declared in the group
        self.seeds = set()        # keys handed to the iommu-pages API
        self.blocked = set()      # keys used in a way the new type forbids
        self.funcs = set()        # (file, function) defined in the group
        self.statics = set()      # (file, function) with internal linkage
        self.params = {}          # (file, function, index) -> name
        self.linkage = {}         # param key -> [(file, function)]
        self.varnames = set()
        self.fieldnames = set()
        self.fieldref = {}        # end of a field access -> key
        self.ctx = {}             # (function, argument text) -> key
        self.occ = {}             # key -> ends of its uses
        self.used = {}            # end of a use -> reasons it is accounted
        self.helpers = {}         # helper -> {(file, order, list key)}
        self.helper_uses = {}     # helper -> ends of its name
        self.helper_calls = {}    # helper -> ends of its name in calls
        self.pgcount = {}         # local page key -> number of uses
        self.marks = {}           # rewrite rule -> positions to change
        self.result = None


G = None


def cur():
    global G
    files = tuple(cocci.files())
    if G is None or G.files != files:
        G = Group(files)
    return G


def end(p):
    return (p[0].file, p[0].line_end, p[0].column_end)


def norm(a):
    return a.replace(" ", "").lstrip("&")


def find(k):
    par = cur().parent
    par.setdefault(k, k)
    while par[k] != k:
        par[k] = par[par[k]]
        k = par[k]
    return k


def union(a, b):
    ra, rb = find(a or BAD), find(b or BAD)
    if ra != rb:
        cur().parent[ra] = rb


def use(p, why):
    cur().used.setdefault(end(p), set()).add(why)


def occur(k, p):
    cur().occ.setdefault(k, set()).add(end(p))


def key_of(a, p):
    """Key of the list an argument names (while collecting): None for
    NULL, BAD for anything that is not a known list head."""
    s = norm(a)
    if s == "NULL":
        return None
    if re.fullmatch(r"[A-Za-z_]\w*", s):
        return ("v", p[0].current_element, s)
    k = cur().fieldref.get(end(p), BAD)
    cur().ctx[(p[0].current_element, s)] = k
    return k


def karg(a, p):
    """Key of the list an argument names (while rewriting: positions may
    point into code rewritten by an earlier rule, names do not move)."""
    s = norm(a)
    if re.fullmatch(r"[A-Za-z_]\w*", s):
        return ("v", p[0].current_element, s)
    return cur().ctx.get((p[0].current_element, s))


def isvar(x):
    return x in cur().varnames


def isfield(f):
    return f in cur().fieldnames


def anyhelper(h):
    return h in cur().helpers


def ishelper(h, order):
    return any(o == order for _, o, _ in cur().helpers.get(h, ()))


def decide():
    g = cur()
    if g.result is not None:
        return g.result
    # A helper whose name is used other than in calls, or that has
    # namesakes of another shape, is not a helper.
    for h in list(g.helpers):
        shapes = {o for _, o, _ in g.helpers[h]}
        if len(shapes) > 1 or \
           g.helper_uses.get(h, set()) - g.helper_calls.get(h, set()):
            for why in g.used.values():
                why.discard(("helper", h))
            del g.helpers[h]
    used = {p for p, why in g.used.items() if why}
    for k, poss in g.occ.items():
        if poss - used:
            g.blocked.add(k)
    for k, defs in g.linkage.items():
        if any(d not in g.statics for d in defs):
            g.blocked.add(k)
    # The list inside struct iommu_pages_list itself is never one.
    for k in g.declared:
        if k[:2] == ("f", "struct iommu_pages_list"):
            g.blocked.add(k)
    members = {}
    for k in list(g.parent):
        members.setdefault(find(k), set()).add(k)
    ok = set()
    for ks in members.values():
        if not ks & g.seeds:
            continue
        if BAD in ks or ks & g.blocked or ks - g.declared:
            continue
        ok |= ks
    g.result = ok
    return ok


def conv(k):
    return k is not None and k in decide()


# A rewrite is a match rule, a script that marks the positions to change
# and the change at the marked positions.  (A script that drops the
# matches it does not want would also drop every later rule once it has
# dropped them all.)
def spot(p):
    return tuple((q.file, q.line, q.column, q.line_end, q.column_end)
                 for q in p)


def mark(rule, p, ok):
    if ok:
        cur().marks.setdefault(rule, set()).add(spot(p))


def marked(rule, p):
    return spot(p) in cur().marks.get(rule, ())


def conv_helper(h):
    infos = cur().helpers.get(h, ())
    return bool(infos) and all(conv(k) for _, _, k in infos)


def count_params(ps):
    """Number of parameters in the text of a parameter list."""
    ps = str(ps)
    if not ps.strip():
        return 0
    depth, n = 0, 1
    for c in ps:
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            n += 1
    return n


def conv_proto(f, ps):
    g = cur()
    n = count_params(ps)
    names = {v for (_, fn, i), v in g.params.items() if fn == f and i == n}
    return len(names) == 1 and conv(("v", f, names.pop()))

@script:python@
shapes << virtual.shapes;
@@
SHAPES = set(shapes.split(","))

// Only a file that hands memory to the iommu-pages API can hold a free
// list, so spatch need not parse the others.
@gate@
@@
(
iommu_put_pages_list(...)
|
iommu_pages_list_add(...)
)

// ---------------------------------------------------------------------
// What is declared where.

@fdef depends on gate@
identifier f;
position p;
@@
f@p(...) { ... }

@script:python@
f << fdef.f;
p << fdef.p;
@@
cur().funcs.add((p[0].file, f))

@st depends on gate@
identifier f;
type T;
position p;
@@
static T f@p(...) { ... }

@script:python@
f << st.f;
p << st.p;
@@
cur().statics.add((p[0].file, f))

@pd depends on gate@
identifier f, l;
parameter list[n] ps;
type T;
position p;
@@
T f@p(ps, struct list_head *l, ...) { ... }

@script:python@
f << pd.f;
l << pd.l;
n << pd.n;
p << pd.p;
@@
g = cur()
k = ("v", f, l)
g.declared.add(k)
g.params[(p[0].file, f, int(n))] = l
g.linkage.setdefault(k, []).append((p[0].file, f))
g.varnames.add(l)
find(k)

@ld depends on gate@
identifier x;
position p;
@@
(
LIST_HEAD(x@p);
|
struct list_head x@p;
|
struct list_head x@p = LIST_HEAD_INIT(x);
)

@script:python@
x << ld.x;
p << ld.p;
@@
g = cur()
if (p[0].file, p[0].current_element) in g.funcs:
    g.declared.add(("v", p[0].current_element, x))
    g.varnames.add(x)
    use(p, "decl")

@fd depends on gate@
identifier s, f;
@@
struct s { ... struct list_head f; ... };

@script:python@
s << fd.s;
f << fd.f;
@@
g = cur()
g.declared.add(("f", "struct " + s, f))
g.fieldnames.add(f)

// ---------------------------------------------------------------------
// Where the candidate list heads are used.

@fr depends on gate@
type T;
T *e;
T e2;
identifier f : script:python() { isfield(f) };
position p;
@@
(
e->f@p
|
e2.f@p
)

@script:python@
t << fr.T;
f << fr.f;
p << fr.p;
@@
k = ("f", t, f)
cur().fieldref[end(p)] = k
occur(k, p)

@vo depends on gate@
identifier x : script:python() { isvar(x) };
position p;
@@
x@p

@script:python@
x << vo.x;
p << vo.p;
@@
occur(("v", p[0].current_element, x), p)

@kput depends on gate@
expression A;
position p;
@@
(
iommu_put_pages_list(A@p)
|
iommu_pages_list_add(A@p, ...)
)

@script:python@
a << kput.A;
p << kput.p;
@@
k = key_of(a, p)
if k is not None:
    cur().seeds.add(k)
    find(k)
use(p, "api")

@kop depends on gate@
expression A;
position p;
@@
(
list_empty(A@p)
|
LIST_HEAD_INIT(A@p)
)

@script:python@
a << kop.A;
p << kop.p;
@@
key_of(a, p)
use(p, "op")

// INIT_LIST_HEAD() and list_splice_init() through a pointer would have to
// re-initialise the list it points to, and IOMMU_PAGES_LIST_INIT() takes
// a list, not a pointer: only the forms that name the list are accounted.
@kinit depends on gate@
expression A;
position p;
@@
INIT_LIST_HEAD(&A@p)

@script:python@
a << kinit.A;
p << kinit.p;
@@
key_of(a, p)
use(p, "op")

@ksplice depends on gate@
expression A, B;
position p, q;
@@
(
list_splice(A@p, B@q)
|
list_splice_tail(A@p, B@q)
|
list_splice_init(&A@p, B@q)
|
list_splice_tail_init(&A@p, B@q)
)

@script:python@
a << ksplice.A;
b << ksplice.B;
p << ksplice.p;
q << ksplice.q;
@@
union(key_of(a, p), key_of(b, q))
use(p, "op")
use(q, "op")

@kcall depends on gate@
identifier pd.f;
expression list[pd.n] es;
expression A;
position p;
@@
f(es, A@p, ...)

@script:python@
f << pd.f;
l << pd.l;
dp << pd.p;
a << kcall.A;
p << kcall.p;
@@
if p[0].file == dp[0].file:
    k = key_of(a, p)
    if k is not None:
        union(k, ("v", f, l))
    use(p, "call")

@knull depends on gate@
identifier x : script:python() { isvar(x) };
position p;
statement S1, S2;
@@
(
if (x@p) S1 else S2
|
if (x@p) S1
|
!x@p
|
x@p == NULL
|
x@p != NULL
)

@script:python@
p << knull.p;
@@
use(p, "test")

// ---------------------------------------------------------------------
// How entries reach the lists.

@sdirect depends on gate@
identifier fn = {list_add_tail, list_add};
expression V, A;
position p;
@@
fn(&virt_to_page(V)->lru, A@p)

@script:python@
a << sdirect.A;
p << sdirect.p;
@@
if "direct" in SHAPES:
    key_of(a, p)
    use(p, "direct")

@shelper depends on gate@
identifier h, v, l, pg;
identifier fn = {list_add_tail, list_add};
type T;
position p, q;
@@
static void h@p(T *v, struct list_head *l)
{
(
	struct page *pg = virt_to_page(v);
	fn(&pg->lru, l@q);
|
	fn(&virt_to_page(v)->lru, l@q);
)
}

@script:python@
h << shelper.h;
l << shelper.l;
p << shelper.p;
q << shelper.q;
@@
if "helper" in SHAPES:
    cur().helpers.setdefault(h, set()).add((p[0].file, "vl", ("v", h, l)))
    use(q, ("helper", h))

@shelper2 depends on gate@
identifier h, v, l, pg;
identifier fn = {list_add_tail, list_add};
type T;
position p, q;
@@
static void h@p(struct list_head *l, T *v)
{
(
	struct page *pg = virt_to_page(v);
	fn(&pg->lru, l@q);
|
	fn(&virt_to_page(v)->lru, l@q);
)
}

@script:python@
h << shelper2.h;
l << shelper2.l;
p << shelper2.p;
q << shelper2.q;
@@
if "helper" in SHAPES:
    cur().helpers.setdefault(h, set()).add((p[0].file, "lv", ("v", h, l)))
    use(q, ("helper", h))

@hocc depends on gate@
identifier h : script:python() { anyhelper(h) };
position p;
@@
h@p

@script:python@
h << hocc.h;
p << hocc.p;
@@
cur().helper_uses.setdefault(h, set()).add(end(p))

@hcall depends on gate@
identifier h : script:python() { anyhelper(h) };
position p;
@@
h@p(...)

@script:python@
h << hcall.h;
p << hcall.p;
@@
cur().helper_calls.setdefault(h, set()).add(end(p))

@lpdecl depends on gate@
identifier pg;
expression E;
position p;
@@
(
struct page *pg@p;
|
struct page *pg@p = virt_to_page(E);
|
struct page *pg@p = pfn_to_page(E >> PAGE_SHIFT);
)

@script:python@
pg << lpdecl.pg;
p << lpdecl.p;
@@
if (p[0].file, p[0].current_element) in cur().funcs:
    cur().declared.add(("pg", p[0].current_element, pg))

@lpocc depends on gate@
local idexpression struct page *pg;
position p;
@@
pg@p

@script:python@
pg << lpocc.pg;
p << lpocc.p;
@@
k = ("pg", p[0].current_element, pg)
occur(k, p)
cur().pgcount[k] = cur().pgcount.get(k, 0) + 1

@lpuse depends on gate@
local idexpression struct page *pg;
expression E;
position p;
@@
(
pg@p = virt_to_page(E)
|
pg@p = pfn_to_page(E >> PAGE_SHIFT)
|
page_address(pg@p)
)

@script:python@
p << lpuse.p;
@@
if "local-page" in SHAPES:
    use(p, "page")

@lpadd depends on gate@
local idexpression struct page *pg;
identifier fn = {list_add_tail, list_add};
expression A;
position p, q;
@@
fn(&pg@p->lru, A@q)

@script:python@
pg << lpadd.pg;
a << lpadd.A;
p << lpadd.p;
q << lpadd.q;
@@
if "local-page" in SHAPES:
    use(p, "page")
    use(q, "page")
    union(("pg", p[0].current_element, pg), key_of(a, q))

// ---------------------------------------------------------------------
// Rewrite.  Each rewrite is a match, a filter that keeps the matches on
// converted lists, and the change itself at the positions kept.

@hcvl depends on gate@
identifier h : script:python() { ishelper(h, "vl") };
expression V, A;
position p;
@@
h@p(V, A)

@script:python@
a << hcvl.A;
p << hcvl.p;
@@
mark("hcvl", p, conv(karg(a, p)))

@depends on gate && patch@
identifier h;
expression V, A;
position p : script:python() { marked("hcvl", p) };
@@
- h@p(V, A)
+ iommu_pages_list_add(A, V)

@hclv depends on gate@
identifier h : script:python() { ishelper(h, "lv") };
expression V, A;
position p;
@@
h@p(A, V)

@script:python@
a << hclv.A;
p << hclv.p;
@@
mark("hclv", p, conv(karg(a, p)))

@depends on gate && patch@
identifier h;
expression V, A;
position p : script:python() { marked("hclv", p) };
@@
- h@p(A, V)
+ iommu_pages_list_add(A, V)

@depends on gate && patch@
identifier h : script:python() { conv_helper(h) };
@@
- static void h(...) { ... }

@da depends on gate@
identifier fn = {list_add_tail, list_add};
expression V, A;
position p;
@@
fn(&virt_to_page(V)->lru, A@p)

@script:python@
a << da.A;
p << da.p;
@@
mark("da", p, conv(karg(a, p)))

@depends on gate && patch@
identifier fn;
expression V, A;
position p : script:python() { marked("da", p) };
@@
- fn(&virt_to_page(V)->lru, A@p)
+ iommu_pages_list_add(A, V)

// A page looked up only to be queued: queue the address instead.
@pf depends on gate@
identifier pg;
identifier fn = {list_add_tail, list_add};
expression V, A;
position p;
@@
struct page *pg@p = virt_to_page(V);
fn(&pg->lru, A);

@script:python@
pg << pf.pg;
p << pf.p;
@@
k = ("pg", p[0].current_element, pg)
mark("pf", p, conv(k) and cur().pgcount.get(k) == 1)

@depends on gate && patch@
identifier pg, fn;
expression V, A;
position p : script:python() { marked("pf", p) };
@@
- struct page *pg@p = virt_to_page(V);
- fn(&pg->lru, A);
+ iommu_pages_list_add(A, V);

// Otherwise the local keeps the address: virt_to_page(addr) becomes addr,
// pfn_to_page(phys >> PAGE_SHIFT) becomes phys_to_virt(phys),
// page_address() of it the local itself.
@pu depends on gate@
identifier pg;
identifier fn = {list_add_tail, list_add};
expression E, A;
position p;
@@
(
pg@p = virt_to_page(E)
|
pg@p = pfn_to_page(E >> PAGE_SHIFT)
|
page_address(pg@p)
|
fn(&pg@p->lru, A)
)

@script:python@
pg << pu.pg;
p << pu.p;
@@
mark("pu", p, conv(("pg", p[0].current_element, pg)))

@depends on gate && patch@
identifier pg;
position p : script:python() { marked("pu", p) };
identifier fn = {list_add_tail, list_add};
expression E, A;
@@
(
  pg@p =
- virt_to_page(E)
+ E
|
  pg@p =
- pfn_to_page(E >> PAGE_SHIFT)
+ phys_to_virt(E)
|
- page_address(pg@p)
+ pg
|
- fn(&pg@p->lru, A)
+ iommu_pages_list_add(A, pg)
)

@pdl depends on gate@
identifier pg;
expression E;
position p;
@@
(
struct page *pg@p;
|
struct page *pg@p = virt_to_page(E);
|
struct page *pg@p = pfn_to_page(E >> PAGE_SHIFT);
)

@script:python@
pg << pdl.pg;
p << pdl.p;
@@
mark("pdl", p, conv(("pg", p[0].current_element, pg)))

@depends on gate && patch@
identifier pg;
position p : script:python() { marked("pdl", p) };
expression E;
@@
(
- struct page *pg@p;
+ void *pg;
|
- struct page *pg@p = virt_to_page(E);
+ void *pg = E;
|
- struct page *pg@p = pfn_to_page(E >> PAGE_SHIFT);
+ void *pg = phys_to_virt(E);
)

// ---------------------------------------------------------------------
// Operations on the lists.

@op depends on gate@
identifier fn = {list_empty, LIST_HEAD_INIT, list_splice, list_splice_tail};
expression A;
position p;
@@
fn(A@p, ...)

@script:python@
a << op.A;
p << op.p;
@@
mark("op", p, conv(karg(a, p)))

@depends on gate && patch@
expression A;
position p : script:python() { marked("op", p) };
expression B;
@@
(
- list_empty(A@p)
+ iommu_pages_list_empty(A)
|
- LIST_HEAD_INIT(A@p)
+ IOMMU_PAGES_LIST_INIT(A)
|
- list_splice(A@p, B)
+ iommu_pages_list_splice(A, B)
|
- list_splice_tail(A@p, B)
+ iommu_pages_list_splice(A, B)
)

@sop depends on gate@
expression A;
position p;
@@
(
INIT_LIST_HEAD(&A@p);
|
list_splice_init(&A@p, ...);
|
list_splice_tail_init(&A@p, ...);
)

@script:python@
a << sop.A;
p << sop.p;
@@
mark("sop", p, conv(karg(a, p)))

@depends on gate && patch@
expression A;
position p : script:python() { marked("sop", p) };
expression B;
@@
(
- INIT_LIST_HEAD(&A@p);
+ A = IOMMU_PAGES_LIST_INIT(A);
|
- list_splice_init(&A@p, B);
+ iommu_pages_list_splice(&A, B);
+ A = IOMMU_PAGES_LIST_INIT(A);
|
- list_splice_tail_init(&A@p, B);
+ iommu_pages_list_splice(&A, B);
+ A = IOMMU_PAGES_LIST_INIT(A);
)

// ---------------------------------------------------------------------
// Declarations.

@lv depends on gate@
identifier x;
expression E;
position p;
@@
(
LIST_HEAD(x@p);
|
struct list_head x@p;
|
struct list_head x@p = E;
)

@script:python@
x << lv.x;
p << lv.p;
@@
mark("lv", p, conv(("v", p[0].current_element, x)))

@depends on gate && patch@
identifier x;
position p : script:python() { marked("lv", p) };
expression E;
@@
(
- LIST_HEAD(x@p);
+ struct iommu_pages_list x = IOMMU_PAGES_LIST_INIT(x);
|
- struct list_head x@p;
+ struct iommu_pages_list x;
|
- struct list_head x@p = E;
+ struct iommu_pages_list x = E;
)

@depends on gate && patch@
identifier f;
identifier l : script:python(f) { conv(("v", f, l)) };
parameter list[n] ps;
type T;
@@
T f(ps,
- struct list_head *l
+ struct iommu_pages_list *l
  , ...) { ... }

@depends on gate && patch@
identifier f, l;
parameter list ps;
type T;
position p : script:python(f, ps) { conv_proto(f, ps) };
@@
T f@p(ps,
- struct list_head *l
+ struct iommu_pages_list *l
  , ...);

@depends on gate && patch@
identifier s;
identifier f : script:python(s) { conv(("f", "struct " + s, f)) };
@@
struct s { ...
- struct list_head f;
+ struct iommu_pages_list f;
  ...
};

// ---------------------------------------------------------------------
// Report the lists that would be converted.

@r depends on gate && (report || org || context)@
expression A;
position p;
@@
iommu_put_pages_list(A@p)

@script:python depends on report || org || context@
a << r.A;
p << r.p;
@@
mark("r", p, conv(karg(a, p)))

@depends on gate && context@
expression A;
position p : script:python() { marked("r", p) };
@@
* iommu_put_pages_list(A@p)

@script:python depends on report@
p << r.p;
@@
if marked("r", p):
    coccilib.report.print_report(p[0], "free list of iommu-pages memory: make it a struct iommu_pages_list")

@script:python depends on org@
p << r.p;
@@
if marked("r", p):
    coccilib.org.print_todo(p[0], "free list of iommu-pages memory: make it a struct iommu_pages_list")
