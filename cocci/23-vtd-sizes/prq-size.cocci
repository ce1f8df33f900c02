// SPDX-License-Identifier: GPL-2.0-only
/// Allocate the VT-d page request queue by its size in bytes.
///
/// The page request queue is 4KiB << PRQ_ORDER bytes: PRQ_ORDER is the
/// queue size field the driver writes into DMAR_PQA_REG, in units of 4KiB
/// whatever PAGE_SIZE is.  Allocate PRQ_SIZE bytes, the constant the step
/// derives from PRQ_ORDER next to it, with iommu_alloc_pages_node_sz()
/// instead of passing PRQ_ORDER as a page order.  The register write keeps
/// PRQ_ORDER: there it is the hardware's size field, not an allocation.
///
/// PRQ_ORDER and PRQ_SIZE are VT-d names, used by the rule.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: PRQ_ORDER

virtual patch
virtual context
virtual report
virtual org

@depends on patch@
expression nid, gfp;
@@
- iommu_alloc_pages_node(nid, gfp, PRQ_ORDER)
+ iommu_alloc_pages_node_sz(nid, gfp, PRQ_SIZE)

@depends on context@
expression nid, gfp;
@@
* iommu_alloc_pages_node(nid, gfp, PRQ_ORDER)

@r depends on report || org@
expression nid, gfp;
position p;
@@
  iommu_alloc_pages_node@p(nid, gfp, PRQ_ORDER)

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "VT-d page request queue: allocate PRQ_SIZE bytes with iommu_alloc_pages_node_sz()")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "VT-d page request queue: allocate PRQ_SIZE bytes with iommu_alloc_pages_node_sz()")
