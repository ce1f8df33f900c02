"""Which files of the scope a rule can change: spatch is given only those.

spatch 1.1.1 skips a file whose tokens cannot match a rule (its "grep
query"), but it computes no query for a rule with script constraints or a
gate rule, and then parses and matches every file: that was most of the
time of an apply.  A rule can say in its header which files are worth
giving it:

  // Prefilter: NAME NAME+NAME .NAME+NAME ...   (lines add up)
      a file can be changed only if it contains one of these identifiers,
      or all the names of one NAME+NAME term (the names of the rule's
      gate, or every name its minus code requires; a term for a rewrite
      that needs several).  A word search of the raw text, comments
      included: a superset of what spatch's own token test would keep.
      .NAME asks for NAME as a member, after -> or . (comments between
      allowed): for a rule that reads e->NAME or e.NAME, and the
      isomorphisms that match one as the other (or as e[i].NAME) keep
      that shape.  .NAME( asks for a call of that member, closing
      parentheses allowed before the '(' ((e->NAME)(...)).
  // Prefilter: @dead-order-members
      computed: see dead_order_members() below.
  // Prefilter-together: @free-lists
      for a run with all files in one group (manifest 'together'), where a
      fact of one file changes the decision in another: see free_lists().

A rule without such a line gets every file, as before.  The prefilter
must be sound: it may keep a file the rule leaves alone, it must never
drop one the rule could change (or, for a group, one whose facts the
rule reads).  The fixture tests run each rule through select() too, so
a positive fixture the prefilter would drop fails its test.
IPM_NO_PREFILTER=1 gives every rule every file (to measure the prefilter
and to compare an apply with and without it)."""

import bisect
import functools
import itertools
import os
import re

from .csrc import function_at, strip_comments

_IDENT = re.compile(r"[A-Za-z_]\w*")
_HEADER = re.compile(r"^//\s*(Prefilter|Prefilter-together):\s*(.*?)\s*$", re.M)


@functools.lru_cache(maxsize=None)
def _declared(path, mtime):
    """{kind: [words]} of the Prefilter lines of a rule file."""
    out = {}
    try:
        text = open(path, errors="replace").read()
    except OSError:
        return out
    for m in _HEADER.finditer(text):   # repeated lines add up
        out.setdefault(m.group(1).lower(), []).extend(m.group(2).split())
    return out


def declared(rule):
    """(per-file words or None, together words or None) of a Rule."""
    try:
        mtime = rule.path.stat().st_mtime_ns
    except OSError:
        return None, None
    d = _declared(str(rule.path), mtime)
    return d.get("prefilter"), d.get("prefilter-together")


def describe(rule):
    """One line for the command log: what the prefilter kept files by."""
    each, group = declared(rule)
    words = group if rule.together else each
    return " ".join(words) if words else None


def select(rule, cwd, files):
    """The FILES (relative to CWD) that RULE must be given, in order.

    First the manifest's paths of the rule (the files a step may change
    at all), then the rule's own prefilter."""
    files = [f for f in files if rule.takes(f)]
    each, group = declared(rule)
    words = group if rule.together else each
    if not words or os.environ.get("IPM_NO_PREFILTER"):
        return list(files)
    texts = _Texts(cwd)
    if words[0].startswith("@"):
        fn = COMPUTED.get((words[0], bool(rule.together)))
        if fn is None:
            return list(files)
        return fn(texts, list(files))
    terms = [_term(w) for w in words]
    return [f for f in files
            if any(names <= texts.idents(f) and
                   all(m.search(texts.raw(f)) for m in members)
                   for names, members in terms)]


@functools.lru_cache(maxsize=None)
def _term(word):
    """(identifiers, member patterns) of one NAME+.NAME+... term."""
    parts = word.split("+")
    names = frozenset(p.lstrip(".").rstrip("(") for p in parts)
    gap = r"(?:\s|\\\n|/\*.*?\*/)*"
    members = tuple(re.compile(r"(?:->|\.)" + gap + p[1:].rstrip("(") + r"\b" +
                               (r"(?:" + gap + r"\))*" + gap + r"\(" if p.endswith("(") else ""),
                               re.S)
                    for p in parts if p.startswith("."))
    return names, members


class _Texts:
    """File texts and their identifier sets, read once."""

    def __init__(self, cwd):
        self.cwd = cwd
        self._raw, self._code, self._ids = {}, {}, {}

    def raw(self, rel):
        if rel not in self._raw:
            try:
                with open(f"{self.cwd}/{rel}", errors="replace") as fh:
                    self._raw[rel] = fh.read()
            except OSError:
                self._raw[rel] = ""
        return self._raw[rel]

    def code(self, rel):
        """Comments and strings blanked, line numbers kept."""
        if rel not in self._code:
            self._code[rel] = strip_comments(self.raw(rel))
        return self._code[rel]

    def idents(self, rel):
        """Every identifier of the raw text, comments included."""
        if rel not in self._ids:
            self._ids[rel] = _idents(self.raw(rel))
        return self._ids[rel]


# Keyed by the text itself: a step leaves most files as they were, and
# the next rule or step asks again (strip_comments() is cached the same way).
@functools.lru_cache(maxsize=4096)
def _idents(text):
    return frozenset(_IDENT.findall(text))


def _top_args(text, lparen):
    """Text of the top-level arguments of the call whose '(' is at LPAREN."""
    depth, start, out = 0, lparen + 1, []
    for j in range(lparen, len(text)):
        c = text[j]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                out.append(text[start:j])
                return out
        elif c == "," and depth == 1:
            out.append(text[start:j])
            start = j + 1
    return out


_MEMBER_END = re.compile(r"(?:->|\.)\s*([A-Za-z_]\w*)\s*$")


def dead_order_members(texts, files):
    """Files that dead-order-field.cocci can change.

    The rule removes members of NAMES, which it computes (from the whole
    scope, before matching) among the members read as the order argument
    of a two-argument iommu_free_pages() call ("X->m" or "X.m").  It
    changes only such a free call, a store "X->m = V;" or designator
    ".m = V", and the member's declaration in its struct.  So: the names
    that end a second argument of such a call anywhere in FILES, and the
    files that mention one in one of those places."""
    names = set()
    for rel in files:
        code = texts.code(rel)
        for m in re.finditer(r"\biommu_free_pages\s*\(", code):
            args = _top_args(code, m.end() - 1)
            if len(args) == 2:
                e = _MEMBER_END.search(args[1])
                if e:
                    names.add(e.group(1))
    keep = []
    for rel in files:
        ids = texts.idents(rel)
        found = ids & names
        if not found:
            continue
        code = texts.code(rel)
        if "iommu_free_pages" in ids or any(
                re.search(r"(?:->|\.)\s*" + n + r"\s*=(?!=)", code) or
                any(re.search(r"\b" + n + r"\b", b) for b in _bodies(code))
                for n in found):
            keep.append(rel)
    return keep


def _bodies(code):
    """Texts of the struct and union bodies of CODE."""
    return [code[m.end() - 1:_brace_end(code, m.end() - 1)]
            for m in re.finditer(r"\b(?:struct|union)\s*(?:[A-Za-z_]\w*)?\s*\{", code)]


# free-lists.cocci, all files in one group ---------------------------------

_GATE = frozenset({"iommu_put_pages_list", "iommu_pages_list_add"})


def _brace_end(text, i):
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return len(text)


def free_lists(texts, files):
    """Files that free-lists.cocci must see when all files form one group.

    The rule converts a class of list heads only if one of them is handed
    to iommu_put_pages_list() or iommu_pages_list_add() (a seed); its gate
    needs a seed somewhere, else it changes nothing.  Its keys are
    ("f", struct tag, member), ("v" or "pg", function, local) and helper
    names; it joins keys by list_splice*() (both lists), by calls (an
    argument and the list_head parameter it binds) and by an lru add of a
    local page (the page and the list), and keys of one name meet across
    files.  Here the same joins are made on names alone, coarser (a
    member by its name, whatever its struct; a call with any function of
    that name, in any file), so the class found for the seeds holds every
    key of every class the rule could convert.  The files that declare,
    mention or could block one of those keys are kept: the files with a
    seed, the files that declare or access (->m, .m) a member of the
    class, and the files that mention a function of the class (its
    locals are keyed by its name, a namesake shares them, a helper is
    removed only if nothing else names it).  Any other file holds no fact
    of a class the rule could convert and is changed by nothing."""
    if not any(texts.idents(f) & _GATE for f in files):
        return []
    parent = {}

    def find(k):
        parent.setdefault(k, k)
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(a, b):
        if a is not None and b is not None:
            parent[find(a)] = find(b)

    params = {}
    for rel in files:
        for m in _DEFINITION.finditer(texts.code(rel)):
            for i, ps in enumerate(_split(m.group(2))):
                lm = _LIST_PARAM.search(ps)
                if lm:
                    params.setdefault(m.group(1), set()).add((i, lm.group(1)))
    wanted = _GATE | _SPLICES | {"list_add", "list_add_tail"} | set(params)
    seeds = []
    for rel in files:
        if not texts.idents(rel) & wanted:
            continue
        code = texts.code(rel)
        lines = code.splitlines()
        starts = list(itertools.accumulate(len(l) + 1 for l in lines))
        for m in _CALL.finditer(code):
            name = m.group(1)
            if name not in wanted:
                continue
            args = _top_args(code, m.end() - 1)
            fn = function_at(lines, bisect.bisect_right(starts, m.start()) + 1)
            keys = [_name(fn, a) for a in args]
            if name in _GATE and keys:
                seeds.append(keys[0])
            elif name in _SPLICES and len(keys) == 2:
                union(keys[0], keys[1])
            elif name in ("list_add", "list_add_tail") and len(keys) == 2:
                pg = re.fullmatch(r"\s*&\s*([A-Za-z_]\w*)\s*->\s*lru\s*", args[0])
                if pg:
                    union(("v", fn, pg.group(1)), keys[1])
            for i, l in params.get(name, ()):
                if i < len(keys):
                    union(keys[i], ("v", name, l))
    roots = {find(k) for k in seeds if k is not None}
    cls = {k for k in list(parent) if find(k) in roots} | \
        {k for k in seeds if k is not None}
    members = {k[1] for k in cls if k[0] == "m"}
    funcs = {k[1] for k in cls if k[0] == "v"}
    keep = []
    for rel in files:
        ids = texts.idents(rel)
        if ids & _GATE or ids & funcs or (ids & members and any(
                re.search(r"(?:->|\.)\s*" + m + r"\b|\bstruct\s+list_head\s+" +
                          m + r"\b", texts.code(rel)) for m in ids & members)):
            keep.append(rel)
    return keep


_DEFINITION = re.compile(r"\b([A-Za-z_]\w*)\s*\(([^;{}()]*(?:\([^;{}()]*\)[^;{}()]*)*)\)"
                         r"\s*\{")
_LIST_PARAM = re.compile(r"\bstruct\s+list_head\s*\*\s*([A-Za-z_]\w*)")
_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
_SPLICES = frozenset({"list_splice", "list_splice_tail", "list_splice_init",
                      "list_splice_tail_init"})


def _split(params):
    out, depth, start = [], 0, 0
    for j, c in enumerate(params):
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            out.append(params[start:j])
            start = j + 1
    out.append(params[start:])
    return out


def _name(fn, arg):
    """Name key of a list argument: ("v", function, local) or ("m", member)."""
    a = arg.strip().lstrip("&").strip()
    if re.fullmatch(r"[A-Za-z_]\w*", a):
        return ("v", fn, a)
    m = _MEMBER_END.search(a)
    return ("m", m.group(1)) if m else None


COMPUTED = {
    ("@dead-order-members", False): dead_order_members,
    ("@free-lists", True): free_lists,
}
