// SPDX-License-Identifier: GPL-2.0-only
/// Allocate the tegra-smmu page directory and page tables by size.
///
/// tegra-smmu describes its page directory with struct tegra_pd and its
/// page tables with struct tegra_pt, each an array of 1024 32-bit entries
/// that the SMMU reads: SMMU_SIZE_PD and SMMU_SIZE_PT bytes.  Allocate a
/// table of either type with iommu_alloc_pages_sz() and that size instead
/// of iommu_alloc_page(), which asked for one CPU page whatever its size.
///
/// The sizes are tegra-smmu hardware facts; the rule names them and only
/// converts allocations stored in a pointer to one of the two types.
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

@depends on patch@
struct tegra_pd *pd;
struct tegra_pt *pt;
expression gfp;
@@
(
  pd =
- iommu_alloc_page(gfp)
+ iommu_alloc_pages_sz(gfp, SMMU_SIZE_PD)
|
  pt =
- iommu_alloc_page(gfp)
+ iommu_alloc_pages_sz(gfp, SMMU_SIZE_PT)
)

@depends on context@
struct tegra_pd *pd;
struct tegra_pt *pt;
expression gfp;
@@
(
  pd =
* iommu_alloc_page(gfp)
|
  pt =
* iommu_alloc_page(gfp)
)

@r depends on report || org@
struct tegra_pd *pd;
struct tegra_pt *pt;
expression gfp;
position p;
@@
(
  pd = iommu_alloc_page@p(gfp)
|
  pt = iommu_alloc_page@p(gfp)
)

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "tegra-smmu table: allocate SMMU_SIZE_PD/SMMU_SIZE_PT bytes with iommu_alloc_pages_sz()")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "tegra-smmu table: allocate SMMU_SIZE_PD/SMMU_SIZE_PT bytes with iommu_alloc_pages_sz()")
