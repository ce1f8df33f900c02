// SPDX-License-Identifier: GPL-2.0-only
/// Allocate the VT-d PASID directory by size.
///
/// The VT-d PASID directory is allocated with iommu_alloc_pages_node() and
/// a page order held in a variable, which the driver keeps using after the
/// allocation: it derives the number of PASIDs the directory covers from it
/// and flushes that many pages.  Keep the order and pass the size it
/// stands for, 1 << (order + PAGE_SHIFT), to iommu_alloc_pages_node_sz():
/// the directory stays exactly the memory the rest of the code describes.
///
/// Only an allocation stored in a struct pasid_dir_entry pointer (the VT-d
/// directory type, named by the rule) with an order held in a variable is
/// converted.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: iommu_alloc_pages_node

virtual patch
virtual context
virtual report
virtual org

@depends on patch@
struct pasid_dir_entry *dir;
identifier order;
expression nid, gfp;
@@
  dir =
- iommu_alloc_pages_node(nid, gfp, order)
+ iommu_alloc_pages_node_sz(nid, gfp, 1 << (order + PAGE_SHIFT))

@depends on context@
struct pasid_dir_entry *dir;
identifier order;
expression nid, gfp;
@@
  dir =
* iommu_alloc_pages_node(nid, gfp, order)

@r depends on report || org@
struct pasid_dir_entry *dir;
identifier order;
expression nid, gfp;
position p;
@@
  dir = iommu_alloc_pages_node@p(nid, gfp, order)

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "VT-d PASID directory: allocate 1 << (order + PAGE_SHIFT) bytes with iommu_alloc_pages_node_sz()")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "VT-d PASID directory: allocate 1 << (order + PAGE_SHIFT) bytes with iommu_alloc_pages_node_sz()")
