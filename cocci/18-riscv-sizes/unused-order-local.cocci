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
