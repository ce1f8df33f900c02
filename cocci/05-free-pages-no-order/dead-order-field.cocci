// SPDX-License-Identifier: GPL-2.0-only
/// Remove struct members that only remembered the order of an iommu-pages
/// allocation for iommu_free_pages().
///
/// iommu_free_pages() finds the order of an allocation by itself, so a
/// member whose value is read by nothing but the order argument of
/// iommu_free_pages() is dead: remove it from its struct, together with the
/// stores into it and the argument that read it.
///
/// Whether a member is dead depends on every file that uses it, while
/// spatch matches each file on its own (a header declares the struct, a .c
/// file stores and reads the member).  So the decision is taken once, when
/// spatch starts and before any file is changed, from the text of the whole
/// scope: drivers/iommu and include/linux/iommu.h seen from the kernel top
/// (the working directory), or the files of the working directory
/// elsewhere (the fixture tests).  The result is the set of dead members
/// and the exact lines of their stores and free calls; every file then
/// applies that same decision, so a header and its .c files agree in
/// whichever order they are processed.
///
/// An access is attributed to a struct through the declaration of the
/// variable in front of it in the same function ("struct S *v" or
/// "struct S v"); when only one struct of the scope declares a member of
/// that name, every access is attributed to it.  A member of struct S is
/// dead only if: S is a named struct that declares it once; its value is
/// read as the order argument of a two-argument iommu_free_pages() call at
/// least once; every other access attributed to S is a store, either a
/// statement "v->m = V;" / "v.m = V;" or a designator ".m = V" in the
/// initialiser of a declared variable, with a value V free of side effects
/// (no call but get_order()); no access of that name is left unattributed
/// while several structs declare it; the name never appears in offsetof()
/// and the like; and S never has a positional initialiser.  Anything else
/// keeps the member and drop-order.cocci only drops the argument.  The
/// check errs on the side of keeping a member.
///
// Confidence: Moderate
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: @computed

virtual patch
virtual context
virtual report
virtual org

@initialize:python@
@@
import os
import re

_ID = r"[A-Za-z_]\w*"
_KEYWORDS = {"if", "else", "while", "for", "do", "return", "switch", "case",
             "default", "goto", "sizeof"}
_MEMBER_MACROS = re.compile(r"\b(?:offsetof|offsetofend|sizeof_field|"
                            r"container_of|container_of_const|"
                            r"typeof_member)\s*\(")


def _scope_files():
    top = os.getcwd()
    iommu = os.path.join(top, "drivers", "iommu")
    if not os.path.isdir(iommu):
        return sorted(f for f in os.listdir(top)
                      if f.endswith((".c", ".h")) and os.path.isfile(f))
    out = []
    for d, dirs, files in os.walk(iommu):
        dirs.sort()
        out += [os.path.join(d, f) for f in sorted(files)
                if f.endswith((".c", ".h"))]
    hdr = os.path.join(top, "include", "linux", "iommu.h")
    if os.path.isfile(hdr):
        out.append(hdr)
    return out


def _strip(text):
    """Blank comments, strings and character constants, keep offsets."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\\n])*\""
                  r"|'(?:\\.|[^'\\\n])*'", blank, text, flags=re.S)


def _close(text, i, open_c, close_c):
    """Index of the bracket closing the one at text[i], or -1."""
    depth = 0
    for j in range(i, len(text)):
        if text[j] == open_c:
            depth += 1
        elif text[j] == close_c:
            depth -= 1
            if depth == 0:
                return j
    return -1


def _args(text, lparen):
    """[(start, end)] of the top-level arguments of the call at lparen."""
    rparen = _close(text, lparen, "(", ")")
    if rparen < 0:
        return []
    out, depth, start = [], 0, lparen + 1
    for j in range(lparen + 1, rparen):
        c = text[j]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            out.append((start, j))
            start = j + 1
    out.append((start, rparen))
    return out


def _pure(expr):
    """No side effect: no call but get_order(), no assignment, no ++/--."""
    e = re.sub(r"\bget_order\s*\(", "(", expr)
    e = re.sub(r"\bsizeof\s*\(", "(", e)
    if re.search(r"[\w)\]]\s*\(", e) or "++" in e or "--" in e:
        return False
    return not re.search(r"(?<![=!<>])=(?!=)", e)


def _owners(text, name):
    """Names of the struct/union bodies of TEXT that declare NAME."""
    out = []
    decl = re.compile(r"(?<![\w.>])" + re.escape(name) +
                      r"\s*(?:\[[^\]]*\]\s*)*(?::[^;,]+)?[;,]")
    for m in re.finditer(r"\b(?:struct|union)\s*(" + _ID + r")?\s*\{", text):
        end = _close(text, m.end() - 1, "{", "}")
        if end > 0 and decl.search(text, m.end(), end):
            out.append(m.group(1))
    return out


def _line(text, pos):
    return text.count("\n", 0, pos) + 1


def _declared_struct(text, pos, var):
    """Struct tag of VAR as declared in the function around POS, or None.

    The function starts after the last closing brace in column 0, so its
    parameters are included; a global or a typedef'd type gives None."""
    decl = re.compile(r"\bstruct\s+(" + _ID + r")\b\s*(?:\*\s*|const\b\s*)*" +
                      re.escape(var) + r"\b(?!\s*\()")
    found = None
    for m in decl.finditer(text, max(text.rfind("\n}", 0, pos), 0), pos):
        found = m.group(1)
    return found


def _base_struct(text, start):
    """Struct tag of the plain variable in front of the access at START."""
    m = re.search(r"(?<![\w.>\])])(" + _ID + r")\s*$", text[:start])
    if not m or text[:m.start(1)].rstrip()[-1:] in (".", ">", "]", ")"):
        return None
    return _declared_struct(text, start, m.group(1))


def _store(text, start, end, dot):
    """(struct or None, first, last) of a removable store, or None.

    The access text[start:end] ("->f" or ".f") is a removable store when it
    is a designator in the initialiser of a declared variable or the target
    of a statement of its own, with a value free of side effects."""
    m = re.compile(r"\s*=(?!=)").match(text, end)
    if not m:
        return None
    before = text[:start].rstrip()
    if dot and before[-1:] in ("{", ","):
        # designator: the initialiser of a declared variable, not nested
        depth, j = 0, len(before) - 1
        while j >= 0:
            c = before[j]
            if c in ")]}":
                depth += 1
            elif c in "([{":
                if depth == 0:
                    break
                depth -= 1
            j -= 1
        if j < 0 or before[j] != "{":
            return None
        decl = re.search(r"(?:\bstruct\s+(" + _ID + r")\s+)?" + _ID +
                         r"\s*(?:\[[^\]]*\]\s*)*=\s*$", before[:j])
        if not decl:
            return None
        rhs_end = _close(text, j, "{", "}")
        k, depth = m.end(), 0
        while k < rhs_end:
            c = text[k]
            if c in "([{":
                depth += 1
            elif c in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif c == "," and depth == 0:
                break
            k += 1
        if not _pure(text[m.end():k]):
            return None
        return decl.group(1), start, k
    # statement: "lvalue->f = V;" right after ; { or }
    stmt = max(before.rfind(";"), before.rfind("{"), before.rfind("}"))
    lvalue = text[stmt + 1:start]
    if not re.fullmatch(r"\s*" + _ID + r"(?:\s*(?:->|\.)\s*" + _ID +
                        r"|\s*\[[\w\s]*\])*\s*", lvalue):
        return None
    if re.match(r"\s*(" + _ID + ")", lvalue).group(1) in _KEYWORDS:
        return None
    semi = text.find(";", m.end())
    if semi < 0 or not _pure(text[m.end():semi]):
        return None
    return _base_struct(text, start), stmt + 1, semi


def _dead_fields():
    """({(struct, member)}, {(file, line)}) of the dead order members.

    The lines are those of the stores and the iommu_free_pages() calls that
    go with them; the rules below touch nothing else."""
    texts = {}
    for f in _scope_files():
        try:
            with open(f, errors="replace") as fh:
                texts[os.path.abspath(f)] = _strip(fh.read())
        except OSError:
            pass
    # members read as the order argument of iommu_free_pages()
    freed = {}
    lvalue = re.compile(r"\s*" + _ID + r"(?:\s*(?:->|\.)\s*" + _ID +
                        r"|\s*\[[^\[\]]*\])*\s*(->|\.)\s*(" + _ID + r")\s*")
    for f, text in texts.items():
        for m in re.finditer(r"\biommu_free_pages\s*\(", text):
            args = _args(text, m.end() - 1)
            if len(args) != 2:
                continue
            a, b = args[1]
            lv = lvalue.fullmatch(text, a, b)
            if lv:
                freed.setdefault(lv.group(2), {})[(f, lv.start(1))] = \
                    (m.start(), b)
    dead, lines = set(), set()
    for name, frees in freed.items():
        owners = []
        for text in texts.values():
            owners += _owners(text, name)
        if None in owners or len(set(owners)) != len(owners):
            continue
        # every access of the name, attributed to a struct where possible
        state = {s: {"ok": True, "freed": False, "lines": set()}
                 for s in owners}
        access = re.compile(r"(->|(?<!\.)\.(?!\.))\s*" + re.escape(name) +
                            r"\b")
        for f, text in texts.items():
            for m in access.finditer(text):
                if (f, m.start()) in frees:
                    tag = _base_struct(text, m.start())
                    first, last = frees[(f, m.start())]
                    kind = "free"
                else:
                    st = _store(text, m.start(), m.end(), m.group(1) == ".")
                    tag, first, last = st if st else \
                        (_base_struct(text, m.start()), 0, 0)
                    kind = "store" if st else "use"
                if tag is None and len(owners) == 1:
                    tag = owners[0]
                if tag is None:
                    for s in owners:
                        state[s]["ok"] = False
                    continue
                if tag not in state:
                    continue
                if kind == "use":
                    state[tag]["ok"] = False
                    continue
                state[tag]["freed"] |= kind == "free"
                state[tag]["lines"].update(
                    (f, n) for n in range(_line(text, first),
                                          _line(text, last) + 1))
            for m in _MEMBER_MACROS.finditer(text):
                args = _args(text, m.end() - 1)
                if any(re.search(r"\b" + re.escape(name) + r"\b",
                                 text[a:b]) for a, b in args[1:]):
                    for s in owners:
                        state[s]["ok"] = False
            # a positional initialiser would shift onto the next member
            for s in owners:
                pos = re.compile(r"(?:\bstruct\s+" + re.escape(s) +
                                 r"\s+" + _ID + r"\s*(?:\[[^\]]*\]\s*)*=|"
                                 r"\(\s*struct\s+" + re.escape(s) +
                                 r"\s*\))\s*\{(?!\s*[.}])(?!\s*0\s*\})")
                if pos.search(text):
                    state[s]["ok"] = False
        for s, st in state.items():
            if st["ok"] and st["freed"]:
                dead.add((s, name))
                lines |= st["lines"]
    return dead, lines


DEAD, LINES = _dead_fields()
NAMES = {name for _, name in DEAD}


def on_dead_line(p):
    return (os.path.abspath(p.file), int(p.line)) in LINES


def ends_with_comment(p):
    """Does the member declared at position P end its line with a comment?"""
    try:
        with open(p.file, errors="replace") as fh:
            line = fh.read().splitlines()[int(p.line) - 1]
    except (OSError, IndexError):
        return False
    return re.match(r"\w+\s*;\s*(?:/\*.*\*/|//.*)\s*$",
                    line[int(p.column):]) is not None


def next_line(p, q):
    return int(q.line) == int(p.line) + 1

// The order argument that read the member.
@depends on patch@
expression P, X;
identifier fld : script:python() { fld in NAMES };
position p : script:python() { on_dead_line(p[0]) };
@@
  iommu_free_pages@p(P
- , X->fld
  )

@depends on patch@
expression P, X;
identifier fld : script:python() { fld in NAMES };
position p : script:python() { on_dead_line(p[0]) };
@@
  iommu_free_pages@p(P
- , X.fld
  )

// Stores into the member.
@depends on patch@
expression X, V;
identifier fld : script:python() { fld in NAMES };
position p : script:python() { on_dead_line(p[0]) };
@@
(
- X->fld@p = V;
|
- X.fld@p = V;
)

// Designators in the initialiser of a declared variable.
@depends on patch@
identifier fld : script:python() { fld in NAMES };
position p : script:python() { on_dead_line(p[0]) };
expression V;
identifier x;
type T;
@@
T x = {
  ...,
- .fld@p = V,
  ...
};

// The member itself, in the struct it was proved dead in.  spatch 1.1.1
// keeps a comment that ends the removed line and glues it to the line
// above; when the next line starts the next member (or closes the struct),
// that token is removed and added back, which takes the comment away with
// the member.
@member_next depends on patch@
identifier mem, tag;
identifier g;
type T, T2;
position p1, p2;
@@
struct tag {
  ...
  T mem@p1;
  T2@p2 g;
  ...
};

@script:python depends on patch@
p1 << member_next.p1;
p2 << member_next.p2;
mname << member_next.mem;
sname << member_next.tag;
@@
if (sname, mname) not in DEAD or not (ends_with_comment(p1[0]) and
                                      next_line(p1[0], p2[0])):
    cocci.include_match(False)

@depends on patch@
identifier member_next.tag, member_next.mem, member_next.g;
type T, T2;
position member_next.p1, member_next.p2;
@@
struct tag {
  ...
- T mem@p1;
- T2@p2
+ T2
  g;
  ...
};

@member_last depends on patch@
identifier mem, tag;
type T;
position p1, p2;
@@
struct tag {
  ...
  T mem@p1;
}@p2;

@script:python depends on patch@
p1 << member_last.p1;
p2 << member_last.p2;
mname << member_last.mem;
sname << member_last.tag;
@@
if (sname, mname) not in DEAD or not (ends_with_comment(p1[0]) and
                                      next_line(p1[0], p2[0])):
    cocci.include_match(False)

@depends on patch@
identifier member_last.tag, member_last.mem;
type T;
position member_last.p1, member_last.p2;
@@
struct tag {
  ...
- T mem@p1;
- }@p2
+ }
  ;

// Any other layout.
@depends on patch@
identifier fld : script:python() { fld in NAMES };
identifier S : script:python(fld) { (S, fld) in DEAD };
type T;
@@
struct S {
  ...
- T fld;
  ...
};

@depends on context@
expression P, X;
identifier fld : script:python() { fld in NAMES };
position p : script:python() { on_dead_line(p[0]) };
@@
* iommu_free_pages@p(P, \(X->fld\|X.fld\))

@rep depends on report || org@
expression P, X;
identifier mem;
position p;
@@
 iommu_free_pages@p(P, \(X->mem\|X.mem\))

@script:python depends on report@
p << rep.p;
mname << rep.mem;
@@
if mname in NAMES and on_dead_line(p[0]):
    coccilib.report.print_report(p[0], "member %s only keeps the order for iommu_free_pages(): remove it" % mname)

@script:python depends on org@
p << rep.p;
mname << rep.mem;
@@
if mname in NAMES and on_dead_line(p[0]):
    coccilib.org.print_todo(p[0], "member %s only keeps the order for iommu_free_pages(): remove it" % mname)
