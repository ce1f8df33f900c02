// SPDX-License-Identifier: GPL-2.0-only
/// Size the AMD device table as a power of two of at least 4 KiB, in bytes,
/// instead of through an allocation order.
///
/// The AMD driver computes the byte size of its device table with a
/// helper that turns the table's byte count into a page order and back:
/// PAGE_SIZE << get_order(entries * entry size).  What it means is "the
/// byte count rounded up to a power of two, and at least the 4 KiB unit in
/// which the hardware's DevTabSize field counts the table".  Say that:
/// max(roundup_pow_of_two(bytes), SZ_4K).  On x86, where the driver lives,
/// PAGE_SIZE is 4 KiB and the value is unchanged; the size no longer
/// depends on how the allocator rounds.
///
/// The rule rewrites a helper whose whole body is that round trip (a shift
/// of PAGE_SHIFT + get_order(bytes), or PAGE_SIZE << get_order(bytes)).
/// A static helper of that kind with a single caller goes: the caller
/// gets the expression, with the helper's parameters replaced by its
/// arguments, as a hand-written change would do.
/// A get_order() that is used for anything else, for example to lay out
/// several tables in one allocation, is left alone.  SZ_4K is the AMD
/// IOMMU's hardware granule; the helper shape occurs in that driver only.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: get_order+PAGE_SHIFT get_order+PAGE_SIZE

virtual patch
virtual context
virtual report
virtual org

// A static helper with that body and a single caller is not kept: its
// caller gets the expression, the helper's parameters replaced by the
// caller's arguments.
@def depends on patch@
identifier f, shift;
type T, R;
parameter list ps;
expression E;
@@
  static R f(ps)
  {
(
	T shift = PAGE_SHIFT + get_order(E);
	return 1UL << shift;
|
	return PAGE_SIZE << get_order(E);
|
	return 1UL << (PAGE_SHIFT + get_order(E));
)
  }

@def_call depends on patch@
identifier def.f;
expression list es;
position pc;
@@
  f@pc(es)

@initialize:python@
@@
import re

helper_calls = {}

def c_tokens(text):
    return re.findall(r"[A-Za-z_]\w*|0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|->|<<|>>|"
                      r"[<>=!]=|&&|\|\||\S", text)

def c_text(tokens):
    """Tokens back to C as a kernel developer writes it."""
    out = ""
    prev = None
    for t in tokens:
        unary = t in ("*", "-", "&", "~", "!") and (prev is None or
                                                     prev in "([,=+-*/<>&|^!~?:")
        if prev is None or prev in ("(", "[", "->", ".") or t in (")", "]", ",", "->", ".") \
                or (t in ("(", "[") and re.match(r"\w", prev)) or prev == "unary":
            sep = ""
        else:
            sep = " "
        out += sep + t
        prev = "unary" if unary else t
    return out

def split_top(text):
    parts, depth, cur = [], 0, []
    for t in c_tokens(text):
        if t in "([":
            depth += 1
        elif t in ")]":
            depth -= 1
        if t == "," and depth == 0:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur:
        parts.append(cur)
    return parts

@script:python depends on def_call@
f << def.f;
es << def_call.es;
pc << def_call.pc;
@@
helper_calls.setdefault((pc[0].file, f), []).append(str(es))

@script:python inl@
f << def.f;
ps << def.ps;
E << def.E;
ok;
bytes;
@@
calls = [c for (file, g), cs in helper_calls.items() if g == f for c in cs]
params = [p[-1] for p in split_top(str(ps))]
if len(calls) != 1 or len(split_top(calls[0])) != len(params) or \
        len(set(params)) != len(params):
    cocci.include_match(False)
else:
    args = dict(zip(params, split_top(calls[0])))
    toks = []
    for t in c_tokens(str(E)):
        a = args.get(t)
        if a is None:
            toks.append(t)
        elif len(a) == 1:
            toks += a
        else:
            toks += ["("] + a + [")"]
    coccinelle.ok = f
    coccinelle.bytes = c_text(toks)

@depends on patch@
identifier inl.ok, inl.bytes;
expression list es;
@@
- ok(es)
+ max(roundup_pow_of_two(bytes), SZ_4K)

@depends on patch@
identifier inl.ok;
type R;
parameter list ps;
@@
- R ok(ps) { ... }

@depends on patch@
identifier f, shift;
type T, R;
parameter list ps;
expression E;
@@
  R f(ps)
  {
(
-	T shift = PAGE_SHIFT + get_order(E);
-	return 1UL << shift;
+	return max(roundup_pow_of_two(E), SZ_4K);
|
-	return PAGE_SIZE << get_order(E);
+	return max(roundup_pow_of_two(E), SZ_4K);
|
-	return 1UL << (PAGE_SHIFT + get_order(E));
+	return max(roundup_pow_of_two(E), SZ_4K);
)
  }

@depends on context@
identifier f, shift;
type T, R;
parameter list ps;
expression E;
position p;
@@
  R f(ps)
  {
(
*	T shift = PAGE_SHIFT + get_order@p(E);
	return 1UL << shift;
|
*	return PAGE_SIZE << get_order@p(E);
|
*	return 1UL << (PAGE_SHIFT + get_order@p(E));
)
  }


@r depends on report || org@
identifier f, shift;
type T, R;
parameter list ps;
expression E;
position p;
@@
  R f(ps)
  {
(
 	T shift = PAGE_SHIFT + get_order@p(E);
	return 1UL << shift;
|
 	return PAGE_SIZE << get_order@p(E);
|
 	return 1UL << (PAGE_SHIFT + get_order@p(E));
)
  }

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "power-of-two table size: use max(roundup_pow_of_two(bytes), SZ_4K)")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "power-of-two table size: use max(roundup_pow_of_two(bytes), SZ_4K)")
