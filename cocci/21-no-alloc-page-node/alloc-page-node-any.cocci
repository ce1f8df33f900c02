// SPDX-License-Identifier: GPL-2.0-only
/// Allocate one page on a node by size where no driver-specific size is
/// known.
///
/// iommu_alloc_page_node(nid, gfp) allocates PAGE_SIZE bytes on node nid.
/// alloc-page-node.cocci runs first and names the 4KiB hardware table size
/// in the drivers where that is a fact (AMD, VT-d, RISC-V).  Any call it
/// left, in another driver, a header's static inline, an #ifdef branch or
/// a macro body, becomes iommu_alloc_pages_node_sz(nid, gfp, PAGE_SIZE):
/// the same node, the same gfp flags and the same bytes, whatever the
/// arguments are.  The definitions in iommu-pages.h and iommu-pages.c are
/// the API itself and are left to the hand patches.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: iommu_alloc_page_node

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
  <+... iommu_alloc_page_node@p(...) ...+>
}

@depends on patch@
expression nid, gfp;
position p != api.p;
@@
- iommu_alloc_page_node@p(nid, gfp)
+ iommu_alloc_pages_node_sz(nid, gfp, PAGE_SIZE)

@depends on context@
expression nid, gfp;
position p != api.p;
@@
* iommu_alloc_page_node@p(nid, gfp)

@r depends on report || org@
expression nid, gfp;
position p != api.p;
@@
  iommu_alloc_page_node@p(nid, gfp)

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "iommu_alloc_page_node() is going away: iommu_alloc_pages_node_sz(nid, gfp, PAGE_SIZE) allocates the same page")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "iommu_alloc_page_node() is going away: iommu_alloc_pages_node_sz(nid, gfp, PAGE_SIZE) allocates the same page")
