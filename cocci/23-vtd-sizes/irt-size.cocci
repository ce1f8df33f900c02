// SPDX-License-Identifier: GPL-2.0-only
/// Allocate the VT-d interrupt remapping table as 1MiB.
///
/// The interrupt remapping table of a VT-d unit is always programmed with
/// the largest size field, 65536 entries of 16 bytes: 1MiB.  It is
/// allocated with iommu_alloc_pages_node() and INTR_REMAP_PAGE_ORDER,
/// which only means 1MiB with 4KiB pages.  Allocate SZ_1M with
/// iommu_alloc_pages_node_sz() instead.  The error message that prints
/// the order is left as it is: log messages are not the conversion's to
/// change, so INTR_REMAP_PAGE_ORDER stays for it.
///
/// The 1MiB size is a VT-d hardware fact, named by the rule.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: INTR_REMAP_PAGE_ORDER

virtual patch
virtual context
virtual report
virtual org

@depends on patch@
expression nid, gfp;
@@
- iommu_alloc_pages_node(nid, gfp, INTR_REMAP_PAGE_ORDER)
+ iommu_alloc_pages_node_sz(nid, gfp, SZ_1M)

@depends on context@
expression nid, gfp;
@@
* iommu_alloc_pages_node(nid, gfp, INTR_REMAP_PAGE_ORDER)

@r depends on report || org@
expression nid, gfp;
position p;
@@
  iommu_alloc_pages_node@p(nid, gfp, INTR_REMAP_PAGE_ORDER)

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "VT-d interrupt remapping table: allocate SZ_1M with iommu_alloc_pages_node_sz()")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "VT-d interrupt remapping table: allocate SZ_1M with iommu_alloc_pages_node_sz()")
