// SPDX-License-Identifier: GPL-2.0-only
/// Allocate by size in every call of iommu_alloc_page() and
/// iommu_alloc_pages() that the tailored rules of this step left.
///
/// iommu_alloc_page(gfp) is one page and iommu_alloc_pages(gfp, order) is
/// PAGE_SIZE << order bytes; iommu_alloc_pages_sz() rounds a size up to
/// get_order(size) pages, which gives back exactly that order.  So, with
/// the gfp flags unchanged:
///   iommu_alloc_page(gfp)                -> iommu_alloc_pages_sz(gfp, PAGE_SIZE)
///   iommu_alloc_pages(gfp, 0)            -> iommu_alloc_pages_sz(gfp, PAGE_SIZE)
///   iommu_alloc_pages(gfp, get_order(S)) -> iommu_alloc_pages_sz(gfp, S)
///   iommu_alloc_pages(gfp, order)        -> iommu_alloc_pages_sz(gfp, PAGE_SIZE << order)
/// whatever the arguments are (constants, macros, locals, members, calls;
/// an order that is not a single operand is put in parentheses), in
/// functions, static inlines of headers, #ifdef branches and macro bodies.
/// The same bytes are allocated; no size is guessed.  Where a driver's
/// hardware fixes a size, a tailored rule of the step runs first and names
/// it.  The definitions in iommu-pages.h and iommu-pages.c are the API
/// itself and are left to the hand patches.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: iommu_alloc_page iommu_alloc_pages

virtual patch
virtual context
virtual report
virtual org

// The allocator's own definitions (iommu-pages.h) call each other.
@api@
identifier fn =~ "^(__)?iommu_alloc_pages?(_node)?(_sz)?$";
position p;
@@
fn(...) {
  <+... \(iommu_alloc_page@p(...)\|iommu_alloc_pages@p(...)\) ...+>
}

@depends on patch@
expression gfp, S;
position p != api.p;
@@
(
- iommu_alloc_page@p(gfp)
+ iommu_alloc_pages_sz(gfp, PAGE_SIZE)
|
- iommu_alloc_pages@p(gfp, 0)
+ iommu_alloc_pages_sz(gfp, PAGE_SIZE)
|
- iommu_alloc_pages@p(gfp, get_order(S))
+ iommu_alloc_pages_sz(gfp, S)
)

// An order that is a single operand needs no parentheses after <<.  A
// plain name counts only inside a function: in a macro body it may be a
// parameter standing for any expression.  Each kind of single operand is
// found and rewritten before the next is looked for: one rewrite of the
// positions of several rules would run once for each combination of
// their matches, and rewrite a call twice.
@simple depends on patch@
identifier fld;
constant C;
expression gfp, E, F;
expression list A;
position p != api.p;
@@
  iommu_alloc_pages@p(gfp, \(C\|E->fld\|E.fld\|F(A)\))

@depends on patch@
expression gfp, O;
position p = simple.p;
@@
- iommu_alloc_pages@p(gfp, O)
+ iommu_alloc_pages_sz(gfp, PAGE_SIZE << O)

@simple_name depends on patch@
identifier fn, I;
expression gfp;
position p != api.p;
@@
fn(...) {
  <+... iommu_alloc_pages@p(gfp, I) ...+>
}

@depends on patch@
expression gfp, O;
position p = simple_name.p;
@@
- iommu_alloc_pages@p(gfp, O)
+ iommu_alloc_pages_sz(gfp, PAGE_SIZE << O)

// An order already in parentheses (a macro's '(o)') is a single operand
// too.  The paren isomorphism is off, so that '(E)' matches only an order
// written in parentheses, not every expression.
@simple_paren depends on patch disable paren@
expression gfp, E;
position p != api.p;
@@
  iommu_alloc_pages@p(gfp, (E))

@depends on patch@
expression gfp, O;
position p = simple_paren.p;
@@
- iommu_alloc_pages@p(gfp, O)
+ iommu_alloc_pages_sz(gfp, PAGE_SIZE << O)

// Any other order expression, in parentheses: PAGE_SIZE << (a ? 1 : 2).
@depends on patch@
expression gfp, O;
position p != api.p;
@@
- iommu_alloc_pages@p(gfp, O)
+ iommu_alloc_pages_sz(gfp, PAGE_SIZE << (O))

@depends on context@
expression gfp, O;
position p != api.p;
@@
(
* iommu_alloc_page@p(gfp)
|
* iommu_alloc_pages@p(gfp, O)
)

@r depends on report || org@
expression gfp, O;
position p != api.p;
@@
(
  iommu_alloc_page@p(gfp)
|
  iommu_alloc_pages@p(gfp, O)
)

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "order-based allocation: iommu_alloc_pages_sz(gfp, PAGE_SIZE << order) allocates the same bytes")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "order-based allocation: iommu_alloc_pages_sz(gfp, PAGE_SIZE << order) allocates the same bytes")
