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
/// stay as they are.  For each entry put on a list that stays a list_head,
/// the rule prints why (explain(): 'IPM-WHY', file, function, list,
/// reason, tab-separated), which the step quotes if the entry is left.
///
/// The entry shapes, each of which becomes iommu_pages_list_add(list, addr):
///   direct      list_add_tail(&virt_to_page(addr)->lru, list) (or list_add)
///   helper      a static void function whose body is only such an add, of
///               its pointer parameter to its list parameter, and which is
///               only called: the helper goes, its callers add themselves
///               (a call that passes NULL for the list stays, and so does
///               the helper)
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
/// The rule only does the work that can change its result: the uses of
/// list heads are looked for only when a class may still be converted
/// (seeded, declared in the group, not blocked by linkage), and only for
/// the names of those classes; the helper rules only run when a helper
/// was found, and the rewrite only when some list of the group is
/// converted.
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
// Prefilter: iommu_put_pages_list iommu_pages_list_add list_add+.lru list_add_tail+.lru
// (the last two: files whose lists stay list_heads, to say why)
// Prefilter-together: @computed

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
        self.lparams = {}         # (file, function, index) -> names
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
        self.nullarg = set()      # functions given NULL for a list parameter
        self.pgcount = {}         # local page key -> number of uses
        self.marks = {}           # rewrite rule -> positions to change
        self.result = None
        self.cands = None         # candidates(), once known
        self.found = {}           # helpers as found (see ishelper)
        self.convd = False        # conv() has run (see ishelper)
        self.ldnames = set()      # names of ld declarations
        self.occfn = {}           # end of a use -> its function
        self.entries = []         # (file, function, list key, list text) of adds
        self.explained = False


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
    cur().occfn[end(p)] = p[0].current_element


def entry(k, a, p):
    """An entry is put on the list A (key K) at P."""
    cur().entries.append((p[0].file, p[0].current_element, k, norm(a)))


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


def haslistparam(f):
    return any(fn == f for _, fn, _ in cur().lparams)


def isfield(f):
    return f in cur().fieldnames


def anyhelper(h):
    return h in cur().helpers


def ishelper(h, order):
    """Whether H is a helper of that order, for the rewrite of its calls.
    For the calls with the list second ("vl") these are the helpers as
    found, before decide() dropped the look-alikes; for the others, those
    that decide() kept once a call with the list second was tested
    (conv_vl), the helpers as found before.  This is the view each rule
    had when the matches were made before decide() ran; it is kept so
    that the output does not change."""
    g = cur()
    hs = g.helpers if order == "lv" and g.convd else g.found
    return any(o == order for _, o, _ in hs.get(h, ()))


def decide():
    g = cur()
    if g.result is not None:
        return g.result
    g.found = {h: set(infos) for h, infos in g.helpers.items()}
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


def anyconv():
    return bool(decide())


def candidates():
    """Keys of the classes that may still be converted once every use is
    known (decide() can only drop some): the classes that hold a seed,
    are declared in the group and not already blocked."""
    g = cur()
    if g.cands is None:
        members = {}
        for k in list(g.parent):
            members.setdefault(find(k), set()).add(k)
        out = set()
        for ks in members.values():
            if not ks & g.seeds or BAD in ks or ks - g.declared:
                continue
            if any(k[:2] == ("f", "struct iommu_pages_list") for k in ks):
                continue
            if any(d not in g.statics for k in ks for d in g.linkage.get(k, ())):
                continue
            out |= ks
        g.cands = out
    return g.cands


def family(kind, x):
    """Name whose occurrences the env of a declared name X stands for:
    the names of candidate locals and pages that are list head names
    (isvar), split between the ld and the pd declarations."""
    g = cur()
    names = {k[2] for k in candidates() if k[0] in ("v", "pg") and isvar(k[2])}
    mine = names & g.ldnames if kind == "ld" else names - g.ldnames
    if x in mine:
        return x
    return min(mine) if mine else "__ipm_no_list__"


def conv(k):
    return k is not None and k in decide()


def conv_vl(h, a, p):
    """conv() of the list of a call of a "vl" helper (see ishelper)."""
    k = karg(a, p)
    if k is not None and ishelper(h, "vl"):
        cur().convd = True
    return conv(k)


def conv_once(k):
    """A converted local page that is used once: where it is put on the list."""
    return conv(k) and cur().pgcount.get(k) == 1


# A rewrite whose pattern has a disjunction (its own, or one that an
# isomorphism adds) is a match rule, a script that marks the positions to
# change and the change at the marked positions: spatch cannot evaluate a
# script constraint on other metavariables than the position in a
# disjunction.  The others test conv() in the constraint itself.  (A script that drops the
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
    """A helper goes when its list converts and no call gives it NULL for
    the list (that call stays as it is, and needs the helper)."""
    infos = cur().helpers.get(h, ())
    return bool(infos) and all(conv(k) for _, _, k in infos) and \
        h not in cur().nullarg


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

def describe(k):
    if k == BAD:
        return "a list head the rule cannot name"
    if k[0] == "f":
        return f"the list {k[2]} of {k[1]}"
    if k[0] == "pg":
        return f"the struct page {k[2]} of {k[1]}()"
    return f"the list {k[2]} of {k[1]}()"


def code_at(where):
    path, line = where[0], int(where[1])
    try:
        with open(path, errors="replace") as f:
            return f.read().split("\n")[line - 1].strip()
    except (OSError, IndexError):
        return "?"


def why_class(k):
    """Why the class of K (not converted) stays list_heads."""
    g = cur()
    decide()
    ks = {m for m in g.parent if find(m) == find(k)} | {k}
    what = describe(k)
    if not ks & g.seeds:
        return (f"{what} never reaches iommu_put_pages_list() or "
                "iommu_pages_list_add() in the files this step sees: its "
                "tables are freed another way, which no rule rewrites")
    if BAD in ks:
        return (f"{what} is joined (by a call, a splice or the API) to an "
                "argument that is not a local, a parameter or a struct field "
                "declared in the files this step sees")
    for m in sorted(ks - g.declared):
        if m == k:
            return f"{what} is declared outside the files this step sees"
        return (f"{what} is joined to {describe(m)}, which is declared "
                "outside the files this step sees")
    for m in sorted(ks):
        for f, fn in g.linkage.get(m, ()):
            if (f, fn) not in g.statics:
                what_is = f"{what} is" if m == k else \
                    f"{what} is joined to {describe(m)},"
                return (f"{what_is} a parameter of {fn}(), which is not static "
                        "(callers in other files may pass any list_head)")
    used = {q for q, why in g.used.items() if why}
    for m in sorted(ks):
        for q in sorted(g.occ.get(m, set()) - used,
                        key=lambda q: (q[0], int(q[1]), int(q[2]))):
            fn = g.occfn.get(q, "?")
            return (f"{what} is used at {q[0]}:{q[1]} ({fn}: {code_at(q)}), "
                    "which struct iommu_pages_list cannot express; the lists "
                    "joined to it stay list_heads too")
    return f"an entry reaches {what} in a shape no rule converts"


def explain():
    """One line per entry put on a list that stays a list_head:
    IPM-WHY<TAB>file<TAB>function<TAB>list<TAB>reason, which apply-series.py
    quotes when the step leaves the entry."""
    g = cur()
    if g.explained:
        return
    g.explained = True
    done = set()
    for f, fn, k, a in g.entries:
        if (f, fn, a) in done or (k is not None and conv(k)):
            continue
        done.add((f, fn, a))
        name = k[2] if k and k != BAD else a
        print(f"IPM-WHY\t{f}\t{fn}\t{name}\t{why_class(k or BAD)}")

@script:python@
shapes << virtual.shapes;
@@
SHAPES = set(shapes.split(","))

// Only a file that hands memory to the iommu-pages API can hold a free
// list, so spatch need not parse the others; a file that puts entries on
// a list through their lru field is seen too, to say why its lists stay
// list_heads (explain()).
@gate@
identifier fn = {list_add_tail, list_add};
expression V, A;
@@
(
iommu_put_pages_list(...)
|
iommu_pages_list_add(...)
|
fn(&V->lru, A)
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
g.lparams.setdefault((p[0].file, f, int(n)), set()).add(l)
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
g.ldnames.add(x)
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
// Which list heads are joined into classes, and where entries reach them.
// Every rule that names a list (key_of) runs here, in this order.

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
identifier f : script:python() { haslistparam(f) };
expression list[n] es;
expression A;
position p;
@@
f(es, A@p, ...)

@script:python@
f << kcall.f;
n << kcall.n;
a << kcall.A;
p << kcall.p;
@@
for l in sorted(cur().lparams.get((p[0].file, f, int(n)), ())):
    k = key_of(a, p)
    if k is not None:
        union(k, ("v", f, l))
    else:
        cur().nullarg.add(f)
    use(p, "call")

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
    entry(key_of(a, p), a, p)
    use(p, "direct")

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
    k = key_of(a, q)
    union(("pg", p[0].current_element, pg), k)
    entry(k, a, q)

// Nothing can be converted when no class is a candidate: seeded, all
// declared in the group, and not blocked by what is already known
// (linkage, the iommu_pages_list field).  The rest of the collection
// only blocks members of candidates, and the rewrite only acts on them.
@pre depends on gate@
position p : script:python() { bool(candidates()) };
@@
(
iommu_put_pages_list@p(...)
|
iommu_pages_list_add@p(...)
)

// ---------------------------------------------------------------------
// Where the list heads of the candidates are used.  Their occurrences
// are matched one name at a time: each name of a local (ld) or parameter
// (pd) declaration stands for itself when a candidate has it, or for
// one name that does (so that the others cost no pass).

@script:python ldn depends on pre@
x << ld.x;
y;
@@
coccinelle.y = family("ld", x)

@script:python pdn depends on pre@
x << pd.l;
y;
@@
coccinelle.y = family("pd", x)

@vo depends on pre@
identifier ldn.y;
position p;
@@
y@p

@script:python@
x << ldn.y;
p << vo.p;
@@
if isvar(x):
    occur(("v", p[0].current_element, x), p)

@vo2 depends on pre@
identifier pdn.y;
position p;
@@
y@p

@script:python@
x << pdn.y;
p << vo2.p;
@@
if isvar(x):
    occur(("v", p[0].current_element, x), p)

@knull depends on pre@
identifier ldn.y;
position p;
statement S1, S2;
@@
(
if (y@p) S1 else S2
|
if (y@p) S1
|
!y@p
|
y@p == NULL
|
y@p != NULL
)

@script:python@
x << ldn.y;
p << knull.p;
@@
if isvar(x):
    use(p, "test")

@knull2 depends on pre@
identifier pdn.y;
position p;
statement S1, S2;
@@
(
if (y@p) S1 else S2
|
if (y@p) S1
|
!y@p
|
y@p == NULL
|
y@p != NULL
)

@script:python@
x << pdn.y;
p << knull2.p;
@@
if isvar(x):
    use(p, "test")

// ---------------------------------------------------------------------
// How entries reach the lists: helpers, and local struct page pointers.

@shelper depends on pre@
identifier h : script:python() { "helper" in SHAPES };
identifier v, l, pg;
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

@shelper2 depends on pre@
identifier h : script:python() { "helper" in SHAPES };
identifier v, l, pg;
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

@hocc depends on shelper || shelper2@
identifier h : script:python() { anyhelper(h) };
position p;
@@
h@p

@script:python@
h << hocc.h;
p << hocc.p;
@@
cur().helper_uses.setdefault(h, set()).add(end(p))

@hcall depends on shelper || shelper2@
identifier h : script:python() { anyhelper(h) };
position p;
@@
h@p(...)

@script:python@
h << hcall.h;
p << hcall.p;
@@
cur().helper_calls.setdefault(h, set()).add(end(p))

@lpocc depends on pre@
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

@lpuse depends on pre@
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

// ---------------------------------------------------------------------
// Rewrite.  Each rewrite changes the matches on converted lists only
// (see mark above).

// Nothing to rewrite when no list of the group is converted.  decide()
// runs here, once every collection rule has seen every file of the group.
@cv depends on pre@
position p : script:python() { anyconv() };
@@
(
iommu_put_pages_list@p(...)
|
iommu_pages_list_add@p(...)
)

@depends on cv && (shelper || shelper2) && patch@
identifier h : script:python() { ishelper(h, "vl") };
expression V, A;
position p : script:python(h, A) { conv_vl(h, A, p) };
@@
- h@p(V, A)
+ iommu_pages_list_add(A, V)

@depends on cv && (shelper || shelper2) && patch@
identifier h : script:python() { ishelper(h, "lv") };
expression V, A;
position p : script:python(A) { conv(karg(A, p)) };
@@
- h@p(A, V)
+ iommu_pages_list_add(A, V)

@depends on cv && (shelper || shelper2) && patch@
identifier h : script:python() { conv_helper(h) };
@@
- static void h(...) { ... }

@da depends on cv@
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

@depends on cv && patch@
identifier fn;
expression V, A;
position p : script:python() { marked("da", p) };
@@
- fn(&virt_to_page(V)->lru, A@p)
+ iommu_pages_list_add(A, V)

// A page looked up only to be queued: queue the address instead.
@depends on cv && patch@
identifier pg;
identifier fn = {list_add_tail, list_add};
expression V, A;
position p : script:python(pg) { conv_once(("pg", p[0].current_element, pg)) };
@@
- struct page *pg@p = virt_to_page(V);
- fn(&pg->lru, A);
+ iommu_pages_list_add(A, V);

// A pointer parameter that names a parent entry, then is reassigned to
// the table that entry points to (page_address() of the page queued):
// the parameter becomes the parent entry, parent_<name>, and the table is
// a local of the old name, initialised from the parent entry.  The
// parameter must not be used between the queueing and the reassignment
// (it would be the table there, not the entry), nor the page after it.
@rp depends on cv && patch@
identifier f, p, pg;
fresh identifier pp = "parent_" ## p;
identifier fn = {list_add_tail, list_add};
type T, R;
expression E, A;
position q : script:python(pg) { conv(("pg", q[0].current_element, pg)) };
@@
R f(...,
- T *p
+ T *pp
  , ...)
{
- struct page *pg@q;
+ T *p = phys_to_virt(E);
  
- pg = pfn_to_page(E >> PAGE_SHIFT);
+ iommu_pages_list_add(A, p);
- fn(&pg->lru, A);
  ... when != p
      when != pg
- p = page_address(pg);
  ... when != pg
}

@depends on rp@
identifier rp.p, rp.pp;
type rp.T;
@@
T *p = phys_to_virt(<+...
- p
+ pp
  ...+>);

// Otherwise the local keeps the address: virt_to_page(addr) becomes addr,
// pfn_to_page(phys >> PAGE_SHIFT) becomes phys_to_virt(phys),
// page_address() of it the local itself.
@pu depends on cv@
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

@depends on cv && patch@
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

@pdl depends on cv@
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

@depends on cv && patch@
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

@op depends on cv@
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

@depends on cv && patch@
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

@sop depends on cv@
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

@depends on cv && patch@
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

@lv depends on cv@
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

@depends on cv && patch@
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

@depends on cv && patch@
identifier f;
identifier l : script:python(f) { conv(("v", f, l)) };
parameter list[n] ps;
type T;
@@
T f(ps,
- struct list_head *l
+ struct iommu_pages_list *l
  , ...) { ... }

@depends on cv && patch@
identifier f, l;
parameter list ps;
type T;
position p : script:python(f, ps) { conv_proto(f, ps) };
@@
T f@p(ps,
- struct list_head *l
+ struct iommu_pages_list *l
  , ...);

@depends on cv && patch@
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

@r depends on cv && (report || org || context)@
expression A;
position p;
@@
iommu_put_pages_list(A@p)

@script:python depends on report || org || context@
a << r.A;
p << r.p;
@@
mark("r", p, conv(karg(a, p)))

@depends on cv && context@
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

// ---------------------------------------------------------------------
// Why the lists that entries reach and that stay list_heads do (explain()).

@script:python depends on gate@
@@
explain()
