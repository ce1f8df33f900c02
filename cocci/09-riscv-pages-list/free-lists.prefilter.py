"""The files free-lists.cocci must see when all files form one group (its
'// Prefilter-together: @computed'; see scripts/ipm/prefilter.py).

The rule converts a class of list heads only if one of them is handed to
iommu_put_pages_list() or iommu_pages_list_add() (a seed); its gate needs
a seed somewhere, else it changes nothing.  Its keys are ("f", struct
tag, member), ("v" or "pg", function, local) and helper names; it joins
keys by list_splice*() (both lists), by calls (an argument and the
list_head parameter it binds) and by an lru add of a local page (the page
and the list), and keys of one name meet across files.  Here the same
joins are made on names alone, coarser (a member by its name, whatever
its struct; a call with any function of that name, in any file), so the
class found for the seeds holds every key of every class the rule could
convert.  The files that declare, mention or could block one of those
keys are kept: the files with a seed, the files that declare or access
(->m, .m) a member of the class, and the files that mention a function
of the class (its locals are keyed by its name, a namesake shares them, a
helper is removed only if nothing else names it).  Any other file holds
no fact of a class the rule could convert and is changed by nothing."""

from ipm.csrc import (KEYWORDS, call_args, function_at, matching, member_name, parse_decl,
                      split_args)

GATE = frozenset({"iommu_put_pages_list", "iommu_pages_list_add"})
SPLICES = frozenset({"list_splice", "list_splice_tail", "list_splice_init",
                     "list_splice_tail_init"})
ADDS = frozenset({"list_add", "list_add_tail"})


def keep(texts, files):
    """The FILES that hold a fact of a class the rule could convert, and
    those that put entries on a list through their lru field (the rule
    says why such a list stays a list_head; it changes nothing there that
    the first files do not decide)."""
    adds = {rel for rel in files
            if texts.idents(rel) & ADDS and "lru" in texts.idents(rel)}
    if not any(texts.idents(f) & GATE for f in files):
        return [rel for rel in files if rel in adds]
    params = list_params(texts, files)
    wanted = GATE | SPLICES | ADDS | set(params)
    joins = Joins()
    seeds = []
    for rel in files:
        if texts.idents(rel) & wanted:
            seeds += join_calls(texts, rel, wanted, params, joins)
    cls = joins.class_of(seeds)
    members = {k[1] for k in cls if k[0] == "m"}
    funcs = {k[1] for k in cls if k[0] == "v"}
    return [rel for rel in files
            if rel in adds or holds(texts, rel, members, funcs)]


class Joins:
    """Keys joined into classes (union-find); None joins nothing."""

    def __init__(self):
        self.parent = {}

    def find(self, k):
        """The representative of K's class."""
        self.parent.setdefault(k, k)
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a, b):
        """Put A and B in one class."""
        if a is not None and b is not None:
            self.parent[self.find(a)] = self.find(b)

    def class_of(self, seeds):
        """Every key in the class of one of SEEDS, the seeds included."""
        seeds = {k for k in seeds if k is not None}
        roots = {self.find(k) for k in seeds}
        return {k for k in list(self.parent) if self.find(k) in roots} | seeds


def list_params(texts, files):
    """{function: {(index, name)}} of the 'struct list_head *' parameters
    of the functions defined in FILES."""
    params = {}
    for rel in files:
        if "list_head" not in texts.idents(rel):
            continue
        toks = texts.tokens(rel)
        for j, close in definitions(toks):
            for i, (lo, hi) in enumerate(split_args(toks, j + 2, close)):
                for name, base, stars, *_ in parse_decl(toks, lo, hi)[:1]:
                    if base == "list_head" and stars == 1:
                        params.setdefault(toks[j].text, set()).add((i, name))
    return params


def definitions(toks):
    """(index of the name, index of the ')') of each function definition,
    'NAME(...) {' (NAME not a keyword)."""
    out = []
    for j in range(len(toks) - 1):
        if toks[j].ident and toks[j + 1].text == "(" and toks[j].text not in KEYWORDS:
            close = matching(toks, j + 1)
            if close + 1 < len(toks) and toks[close + 1].text == "{":
                out.append((j, close))
    return out


def join_calls(texts, rel, wanted, params, joins):
    """Make the joins of the calls of REL to WANTED names; its seeds."""
    toks = texts.tokens(rel)
    lines = texts.code(rel).split("\n")
    seeds = []
    for j in range(len(toks) - 1):
        name = toks[j].text
        if name not in wanted or toks[j + 1].text != "(":
            continue
        args = call_args(toks, j)
        fn = function_at(lines, toks[j].line)
        keys = [key(toks, fn, lo, hi) for lo, hi in args]
        if name in GATE and keys:
            seeds.append(keys[0])
        elif name in SPLICES and len(keys) == 2:
            joins.union(keys[0], keys[1])
        elif name in ADDS and len(keys) == 2:
            page = lru_of(toks, *args[0])
            if page:
                joins.union(("v", fn, page), keys[1])
        for i, local in params.get(name, ()):
            if i < len(keys):
                joins.union(keys[i], ("v", name, local))
    return seeds


def key(toks, fn, lo, hi):
    """Key of a list argument TOKS[lo:hi] in function FN (a leading & is
    dropped): ("v", FN, local), ("m", member) or None."""
    while lo < hi and toks[lo].text == "&":
        lo += 1
    if hi - lo == 1 and toks[lo].ident:
        return ("v", fn, toks[lo].text)
    name = member_name(toks, lo, hi)
    return ("m", name) if name else None


def lru_of(toks, lo, hi):
    """PAGE when the argument TOKS[lo:hi] is '&PAGE->lru', else None."""
    arg = toks[lo:hi]
    if len(arg) == 4 and arg[0].text == "&" and arg[1].ident and \
            arg[2].text == "->" and arg[3].text == "lru":
        return arg[1].text
    return None


def holds(texts, rel, members, funcs):
    """Does REL hand a list to the API, name a function of the class, or
    access or declare one of its members as a struct list_head?"""
    ids = texts.idents(rel)
    if ids & GATE or ids & funcs:
        return True
    names = ids & members
    if not names:
        return False
    toks = texts.tokens(rel)
    return any(t.text in ("->", ".") and toks[j + 1].text in names or
               t.text == "struct" and toks[j + 1].text == "list_head" and
               j + 2 < len(toks) and toks[j + 2].text in names
               for j, t in enumerate(toks[:-1]))
