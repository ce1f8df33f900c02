// SPDX-License-Identifier: GPL-2.0-only
/// Remove a local that holds get_order() of a size once nothing reads it.
///
/// After a call site passes the byte size instead of the order, the local
/// that held get_order(size) for it is dead.  Remove its declaration when
/// no other expression of the function mentions it.  A local still read
/// anywhere (a page count, a register field, another allocator) stays.
/// Works through loops: a declaration inside a loop body is judged by the
/// whole function, not by the paths around the loop.
///
/// The same holds for a local declared without a value and set to
/// get_order() of a size by assignment statements: when nothing but those
/// statements mentions it, they and the declaration go.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: get_order

virtual patch
virtual context
virtual report
virtual org

@initialize:python@
@@
USED = set()
SET = {}        # (file, line of the declaration, local) -> places it is assigned

@d@
identifier fn, o;
type T;
expression S;
position p;
@@
fn(...) {
  ... when any
  T o@p = get_order(S);
  ... when any
}

// Every other mention of the local.
@u exists@
identifier d.fn, d.o;
position q;
@@
fn(...) { <+... o@q ...+> }

@script:python@
fn << d.fn;
o << d.o;
p << d.p;
q << u.q;
@@
USED.add((p[0].file, p[0].line, fn, o))

@script:python keep@
fn << d.fn;
o << d.o;
p << d.p;
@@
if (p[0].file, p[0].line, fn, o) in USED:
    cocci.include_match(False)

@depends on patch@
type T;
identifier d.o;
expression S;
position d.p;
@@
- T o@p = get_order(S);

// A local declared without a value, set by `o = get_order(S);` only.
@d2@
identifier fn, o;
type T;
position p;
@@
fn(...) {
  ... when any
  T o@p;
  ... when any
}

// Every assignment and every mention of the name, wherever they are (a
// <+... ...+> in the function would give one match per function only); the
// scripts keep those of the declaring function.
@a2@
identifier d2.o;
expression S;
position qa;
@@
  o@qa = get_order(S);

@u2@
identifier d2.o;
position q;
@@
  o@q

// An assignment that is the whole body of a branch or a loop cannot go
// alone: the local stays.
@b2@
identifier d2.o;
expression E, S;
statement S1;
position qb;
@@
(
  if (E) o@qb = get_order(S); else S1
|
  if (E) S1 else o@qb = get_order(S);
|
  if (E) o@qb = get_order(S);
|
  while (E) o@qb = get_order(S);
|
  for (...;...;...) o@qb = get_order(S);
|
  if (E) { o@qb = get_order(S); } else S1
|
  if (E) S1 else { o@qb = get_order(S); }
|
  if (E) { o@qb = get_order(S); }
)

@script:python@
fn << d2.fn;
o << d2.o;
p << d2.p;
qb << b2.qb;
@@
if qb[0].current_element == fn:
    USED.add((p[0].file, p[0].line, o))

@script:python@
fn << d2.fn;
o << d2.o;
p << d2.p;
qa << a2.qa;
@@
if qa[0].current_element == fn:
    SET.setdefault((p[0].file, p[0].line, o), set()).add((qa[0].line, qa[0].column))

@script:python@
fn << d2.fn;
o << d2.o;
p << d2.p;
q << u2.q;
@@
if q[0].current_element == fn and \
        (q[0].line, q[0].column) not in SET.get((p[0].file, p[0].line, o), ()):
    USED.add((p[0].file, p[0].line, o))

@script:python keep2@
o << d2.o;
p << d2.p;
@@
if (p[0].file, p[0].line, o) in USED or (p[0].file, p[0].line, o) not in SET:
    cocci.include_match(False)

@depends on patch@
type T;
identifier d2.o;
position d2.p;
@@
- T o@p;

@depends on patch@
identifier d2.fn, d2.o;
expression S;
@@
fn(...) {
  <...
- o = get_order(S);
  ...>
}

@depends on context@
type T;
identifier d.o;
expression S;
position d.p;
position p2;
@@
* T o@p@p2 = get_order(S);


@r depends on report || org@
type T;
identifier d.o;
expression S;
position d.p;
position p2;
@@
  T o@p@p2 = get_order(S);

@script:python depends on report@
p << r.p2;
@@
coccilib.report.print_report(p[0], "this get_order() local is no longer read: remove it")

@script:python depends on org@
p << r.p2;
@@
coccilib.org.print_todo(p[0], "this get_order() local is no longer read: remove it")
