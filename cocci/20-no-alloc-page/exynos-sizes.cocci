// SPDX-License-Identifier: GPL-2.0-only
/// Allocate the exynos first-level table and its entry counters by size.
///
/// An exynos sysmmu domain has a first-level page table of 4096 32-bit
/// entries, 16KiB, allocated as an order 2 block, and one 16-bit counter of
/// free second-level entries per first-level entry, 8KiB, allocated as an
/// order 1 block.  Allocate them with iommu_alloc_pages_sz() and SZ_16K and
/// SZ_8K instead of iommu_alloc_pages() and a page order, so the sizes no
/// longer depend on PAGE_SIZE.
///
/// The sizes are exynos hardware facts; the rule names them and only
/// converts the pgtable and lv2entcnt members of struct exynos_iommu_domain
/// allocated with exactly these orders.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: iommu_alloc_pages

virtual patch
virtual context
virtual report
virtual org

@depends on patch@
struct exynos_iommu_domain *d;
expression gfp;
@@
(
  d->pgtable =
- iommu_alloc_pages(gfp, 2)
+ iommu_alloc_pages_sz(gfp, SZ_16K)
|
  d->lv2entcnt =
- iommu_alloc_pages(gfp, 1)
+ iommu_alloc_pages_sz(gfp, SZ_8K)
)

@depends on context@
struct exynos_iommu_domain *d;
expression gfp;
@@
(
  d->pgtable =
* iommu_alloc_pages(gfp, 2)
|
  d->lv2entcnt =
* iommu_alloc_pages(gfp, 1)
)

@r depends on report || org@
struct exynos_iommu_domain *d;
expression gfp;
position p;
@@
(
  d->pgtable = iommu_alloc_pages@p(gfp, 2)
|
  d->lv2entcnt = iommu_alloc_pages@p(gfp, 1)
)

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "exynos table: allocate SZ_16K (pgtable) or SZ_8K (lv2entcnt) with iommu_alloc_pages_sz()")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "exynos table: allocate SZ_16K (pgtable) or SZ_8K (lv2entcnt) with iommu_alloc_pages_sz()")
