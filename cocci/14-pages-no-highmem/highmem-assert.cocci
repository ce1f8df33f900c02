// SPDX-License-Identifier: GPL-2.0-only
/// Drop the drivers' own __GFP_HIGHMEM assertions before iommu-pages
/// allocations.
///
/// iommu-pages hands out kernel virtual addresses, so it cannot work with
/// highmem; the allocator now refuses __GFP_HIGHMEM itself, with a warning.
/// An assertion (VM_BUG_ON(), BUG_ON(), WARN_ON() and their variants, as a
/// statement of its own) that flags passed on to an iommu-pages allocation
/// later in the same function (alone or combined with other flags) carry
/// no __GFP_HIGHMEM repeats that check: remove it.  A highmem test on other flags, one before an allocation
/// that is not from iommu-pages, or one that decides what the code does,
/// stays.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: __GFP_HIGHMEM

virtual patch
virtual context
virtual report
virtual org

@depends on patch exists@
identifier assert = {VM_BUG_ON, BUG_ON, WARN_ON, WARN_ON_ONCE, VM_WARN_ON,
		     VM_WARN_ON_ONCE};
expression gfp, nid, order, size, E;
@@
(
- assert((gfp & __GFP_HIGHMEM));
|
- assert((__GFP_HIGHMEM & gfp));
)
  ... when != gfp = E
(
  iommu_alloc_pages_node(nid, <+... gfp ...+>, order)
|
  iommu_alloc_pages(<+... gfp ...+>, order)
|
  iommu_alloc_page_node(nid, <+... gfp ...+>)
|
  iommu_alloc_page(<+... gfp ...+>)
|
  iommu_alloc_pages_node_sz(nid, <+... gfp ...+>, size)
|
  iommu_alloc_pages_sz(<+... gfp ...+>, size)
)

@r depends on context || report || org exists@
identifier assert = {VM_BUG_ON, BUG_ON, WARN_ON, WARN_ON_ONCE, VM_WARN_ON,
		     VM_WARN_ON_ONCE};
expression gfp, nid, order, size, E;
position p;
@@
(
* assert@p((gfp & __GFP_HIGHMEM));
|
* assert@p((__GFP_HIGHMEM & gfp));
)
  ... when != gfp = E
(
  iommu_alloc_pages_node(nid, <+... gfp ...+>, order)
|
  iommu_alloc_pages(<+... gfp ...+>, order)
|
  iommu_alloc_page_node(nid, <+... gfp ...+>)
|
  iommu_alloc_page(<+... gfp ...+>)
|
  iommu_alloc_pages_node_sz(nid, <+... gfp ...+>, size)
|
  iommu_alloc_pages_sz(<+... gfp ...+>, size)
)

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "iommu-pages refuses __GFP_HIGHMEM itself: drop this assertion")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "iommu-pages refuses __GFP_HIGHMEM itself: drop this assertion")
