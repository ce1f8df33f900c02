// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: tables in variables named for the struct page they were (page,
 * pt_page) become pt, and the helper that only returned the address of an
 * entry takes it in the table.  fx_first_pte() already has a pt: its table
 * keeps its name.
 */
#include <linux/mm.h>

#include "iommu-pages.h"

#define SMMU_NUM_PTE 1024

struct tegra_smmu_as {
	struct tegra_pt **pts;
};

static u32 *fx_pte_offset(struct tegra_pt *pt, unsigned long iova)
{
	return &pt->val[(iova >> 12) & (SMMU_NUM_PTE - 1)];
}

static u32 *fx_lookup(struct tegra_smmu_as *as, unsigned int pde,
		      unsigned long iova)
{
	struct tegra_pt *pt;

	pt = as->pts[pde];
	if (!pt)
		return NULL;

	return fx_pte_offset(pt, iova);
}

static struct tegra_pt *fx_get(struct tegra_smmu_as *as, unsigned int pde,
			       gfp_t gfp)
{
	struct tegra_pt *pt = as->pts[pde];

	if (pt)
		return pt;

	pt = iommu_alloc_page(gfp | __GFP_DMA);
	as->pts[pde] = pt;

	return pt;
}

static u32 fx_first_pte(struct tegra_smmu_as *as, unsigned int pde)
{
	struct tegra_pt *page = as->pts[pde];
	u32 *pt = page->val;

	return pt[0];
}

static void fx_put(struct tegra_smmu_as *as, unsigned int pde)
{
	struct tegra_pt *pt = as->pts[pde];

	iommu_free_page(pt);
	as->pts[pde] = NULL;
}
