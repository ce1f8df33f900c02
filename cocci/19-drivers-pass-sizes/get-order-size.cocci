// SPDX-License-Identifier: GPL-2.0-only
/// Pass the byte size, not get_order() of it, to the iommu-pages allocator.
///
/// iommu_alloc_pages(gfp, get_order(size)) and
/// iommu_alloc_pages_node(nid, gfp, get_order(size)) ask for the memory of
/// a size in bytes, through the order that covers it.  The allocator takes
/// byte sizes now and rounds them the same way: call
/// iommu_alloc_pages_sz(gfp, size) and
/// iommu_alloc_pages_node_sz(nid, gfp, size).  The same holds when the
/// order comes from a local set to get_order(size): only when that is the
/// one value the local ever gets in the function (no other assignment, no
/// ++, no address taken) and the size is not changed on any path between
/// the two.  Otherwise the allocation is left to the general rule of
/// step 20 or 23, which passes PAGE_SIZE << order.  The local itself goes
/// with unused-order-local.cocci once nothing else reads it.
///
/// Only the allocation changes.  A local that is also used as a register
/// field, an entry count ((1 << order) * PAGE_SIZE / 16), a layout offset
/// or the order of another allocator keeps its declaration and every one
/// of those uses, with their values.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: get_order+iommu_alloc_pages get_order+iommu_alloc_pages_node
// (each rewrite needs get_order() and one of the allocators)

virtual patch
virtual context
virtual report
virtual org

@depends on patch@
expression S, gfp, nid;
@@
(
- iommu_alloc_pages(gfp, get_order(S))
+ iommu_alloc_pages_sz(gfp, S)
|
- iommu_alloc_pages_node(nid, gfp, get_order(S))
+ iommu_alloc_pages_node_sz(nid, gfp, S)
)

// An allocation whose order is a local set to get_order(size).
@go exists@
identifier fn, o;
expression S, gfp, nid, E;
type T;
position pd, pa;
@@
fn(...) {
  ... when any
(
  T o@pd = get_order(S);
|
  o@pd = get_order(S);
)
  ... when != o = E
      when != S = E
(
  iommu_alloc_pages@pa(gfp, o)
|
  iommu_alloc_pages_node@pa(nid, gfp, o)
)
  ... when any
}

// The local is given another value somewhere in the function: on some
// path the order is not get_order(size), so the size cannot replace it.
@other exists@
identifier go.fn, go.o;
position q != go.pd;
expression E;
@@
fn(...) {
  <+...
(
  o@q = E
|
  o@q += E
|
  o@q -= E
|
  o@q <<= E
|
  o@q >>= E
|
  o@q |= E
|
  o@q++
|
  o@q--
|
  ++o@q
|
  --o@q
|
  &o@q
)
  ...+>
}

// The size is changed between get_order() and the allocation on some path.
@sizeset exists@
identifier go.fn, go.o;
expression go.S, go.gfp, go.nid, E;
position go.pd, go.pa;
position ps;
type T;
@@
fn(...) {
  ... when any
(
  T o@pd = get_order(S);
|
  o@pd = get_order(S);
)
  ... when any
(
  S@ps = E
|
  S@ps += E
|
  S@ps -= E
|
  S@ps *= E
|
  S@ps <<= E
|
  S@ps |= E
|
  S@ps++
|
  S@ps--
|
  ++S@ps
|
  --S@ps
)
  ... when any
(
  iommu_alloc_pages@pa(gfp, o)
|
  iommu_alloc_pages_node@pa(nid, gfp, o)
)
  ... when any
}

@initialize:python@
@@
UNSURE = set()


def where(p):
    return (p[0].file, p[0].line, p[0].column)

@script:python@
pa << go.pa;
q << other.q;
@@
UNSURE.add(where(pa))

@script:python@
pa << go.pa;
ps << sizeset.ps;
@@
UNSURE.add(where(pa))

@script:python keep@
pa << go.pa;
@@
if where(pa) in UNSURE:
    cocci.include_match(False)

@depends on patch@
identifier go.o;
expression go.S, go.gfp, go.nid;
position go.pa;
@@
(
- iommu_alloc_pages@pa(gfp, o)
+ iommu_alloc_pages_sz(gfp, S)
|
- iommu_alloc_pages_node@pa(nid, gfp, o)
+ iommu_alloc_pages_node_sz(nid, gfp, S)
)

@depends on context@
expression S, gfp, nid;
@@
(
* iommu_alloc_pages(gfp, get_order(S))
|
* iommu_alloc_pages_node(nid, gfp, get_order(S))
)

@r depends on report || org@
expression S, gfp, nid;
position p;
@@
(
  iommu_alloc_pages@p(gfp, get_order(S))
|
  iommu_alloc_pages_node@p(nid, gfp, get_order(S))
)

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "pass the byte size: iommu_alloc_pages_sz()/iommu_alloc_pages_node_sz()")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "pass the byte size: iommu_alloc_pages_sz()/iommu_alloc_pages_node_sz()")
