// SPDX-License-Identifier: GPL-2.0-only
/// Pass the byte size, not get_order() of it, to the iommu-pages allocator.
///
/// iommu_alloc_pages(gfp, get_order(size)) and
/// iommu_alloc_pages_node(nid, gfp, get_order(size)) ask for the memory of
/// a size in bytes, through the order that covers it.  The allocator takes
/// byte sizes now and rounds them the same way: call
/// iommu_alloc_pages_sz(gfp, size) and
/// iommu_alloc_pages_node_sz(nid, gfp, size).  The same holds when the
/// order comes from a local set to get_order(size), as long as neither the
/// local nor the size is assigned between the two; the local itself goes
/// with unused-order-local.cocci once nothing else reads it.
///
/// Only a get_order() result that is passed as the order of an iommu-pages
/// allocation becomes a size.  One that is also used as a page count, a
/// register field, a layout offset or the order of another allocator is
/// not touched here.
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

@depends on patch exists@
identifier o;
expression S, gfp, nid, E;
type T;
@@
(
  T o = get_order(S);
|
  o = get_order(S);
)
  ... when != o = E
      when != S = E
(
- iommu_alloc_pages(gfp, o)
+ iommu_alloc_pages_sz(gfp, S)
|
- iommu_alloc_pages_node(nid, gfp, o)
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
