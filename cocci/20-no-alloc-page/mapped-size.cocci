// SPDX-License-Identifier: GPL-2.0-only
/// Allocate a single-page table by the size that is mapped for the device.
///
/// A table allocated with iommu_alloc_page() and then handed to the IOMMU
/// with dma_map_single() of the whole table, in the same function, has the
/// size that the mapping gives it: the driver's hardware table size (for
/// rockchip, SPAGE_SIZE).  Allocate it with iommu_alloc_pages_sz() and that
/// size.  Only a size named by a constant macro is taken, and only when the
/// very address the allocation returned is mapped, with no new value stored
/// in between; any other iommu_alloc_page() is left for the step's check to
/// report.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: iommu_alloc_page

virtual patch
virtual context
virtual report
virtual org

@depends on patch exists@
expression x, gfp, dev, dir, E;
identifier S =~ "^[A-Z][A-Z0-9_]*$";
@@
  x =
- iommu_alloc_page(gfp)
+ iommu_alloc_pages_sz(gfp, S)
  ... when != x = E
  dma_map_single(dev, x, S, dir)

@depends on context exists@
expression x, gfp, dev, dir, E;
identifier S =~ "^[A-Z][A-Z0-9_]*$";
@@
  x =
* iommu_alloc_page(gfp)
  ... when != x = E
  dma_map_single(dev, x, S, dir)

@r depends on report || org exists@
expression x, gfp, dev, dir, E;
identifier S =~ "^[A-Z][A-Z0-9_]*$";
position p;
@@
  x = iommu_alloc_page@p(gfp)
  ... when != x = E
  dma_map_single(dev, x, S, dir)

@script:python depends on report@
p << r.p;
s << r.S;
@@
coccilib.report.print_report(p[0], "table mapped with size %s: allocate it with iommu_alloc_pages_sz(gfp, %s)" % (s, s))

@script:python depends on org@
p << r.p;
s << r.S;
@@
coccilib.org.print_todo(p[0], "table mapped with size %s: allocate it with iommu_alloc_pages_sz(gfp, %s)" % (s, s))
