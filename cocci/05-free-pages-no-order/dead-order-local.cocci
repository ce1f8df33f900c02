// SPDX-License-Identifier: GPL-2.0-only
/// Remove local variables that only carried an order to iommu_free_pages().
///
/// iommu_free_pages() finds the order of an allocation by itself.  A local
/// whose value is used by nothing but the order argument of
/// iommu_free_pages() goes, with its declaration, the statements that set
/// it and the argument.  A local that also feeds an allocation, a loop, a
/// message or anything else stays (drop-order.cocci then only removes the
/// argument).  So does a local whose initial value or assignment could have
/// a side effect (a call other than get_order(), whose argument is taken to
/// be a plain size), one that is assigned as the whole body of an if, else
/// or loop, and one not declared at the top of the function body.
/// Parameters are left alone: removing one would change the callers.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: iommu_free_pages

virtual patch
virtual context
virtual report
virtual org

// A local declared at the top level of a function body and passed as the
// order of iommu_free_pages().
@freed@
identifier fn, o;
expression P;
type T;
position pf;
@@
fn(...) {
  ... when any
  T o;
  <+... iommu_free_pages(P, o@pf) ...+>
}

// Values that can be dropped without losing a side effect.
@pure@
identifier freed.fn, freed.o;
expression E;
constant C;
identifier I;
type T;
position pv;
@@
fn(...) {
  <+...
(
  T o@pv = get_order(E);
|
  T o@pv = C;
|
  T o@pv = I;
|
  o@pv = get_order(E)
|
  o@pv = C
|
  o@pv = I
)
  ...+>
}

// Assignments that are statements of their own.
@assigned@
identifier freed.fn, freed.o;
expression E;
position pa;
@@
fn(...) {
  <+... o@pa = E; ...+>
}

// An assignment that is the whole body of a branch or a loop cannot be
// removed without leaving an empty body behind.
@branch@
identifier freed.fn, freed.o;
expression E, c;
statement S;
@@
fn(...) {
  <+...
(
  if (c) o = E; else S
|
  if (c) S else o = E;
|
  if (c) o = E;
|
  while (c) o = E;
|
  for (...;...;...) o = E;
)
  ...+>
}

@impure@
identifier freed.fn, freed.o;
expression E;
type T;
position pv != pure.pv;
@@
fn(...) {
  <+...
(
  T o@pv = E;
|
  o@pv = E
)
  ...+>
}

// Any other use of the local keeps it.
@used@
identifier freed.fn, freed.o;
position p != {freed.pf, assigned.pa};
@@
fn(...) {
  <+... o@p ...+>
}

@depends on patch && !used && !impure && !branch@
identifier freed.fn, freed.o;
type T;
expression E, P;
@@
fn(...) {
  <...
(
- T o;
|
- T o = E;
|
- o = E;
|
  iommu_free_pages(P
- , o
  )
)
  ...>
}

@depends on context && !used && !impure && !branch@
identifier freed.fn, freed.o;
expression P;
@@
fn(...) {
  <...
* iommu_free_pages(P, o)
  ...>
}

@r depends on (report || org) && !used && !impure && !branch@
identifier freed.fn, freed.o;
expression P;
position p;
@@
fn(...) {
  <...
  iommu_free_pages@p(P, o)
  ...>
}

@script:python depends on report@
p << r.p;
o << freed.o;
@@
coccilib.report.print_report(p[0], "local %s only carries the order for iommu_free_pages(): remove it" % o)

@script:python depends on org@
p << r.p;
o << freed.o;
@@
coccilib.org.print_todo(p[0], "local %s only carries the order for iommu_free_pages(): remove it" % o)
