// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: an SMMU with its own directory and table types, allocated one
 * page at a time: the directory into a member, a table into a local that a
 * helper returns.
 */
#include <linux/dma-mapping.h>
#include <linux/slab.h>

#include "iommu-pages.h"

#define SMMU_NUM_PDE 1024
#define SMMU_NUM_PTE 1024

#define SMMU_SIZE_PD (SMMU_NUM_PDE * 4)
#define SMMU_SIZE_PT (SMMU_NUM_PTE * 4)

struct tegra_pd {
	u32 val[SMMU_NUM_PDE];
};

struct tegra_pt {
	u32 val[SMMU_NUM_PTE];
};

struct fx_as {
	struct tegra_pd *pd;
	struct tegra_pt **pts;
};

static int fx_as_init(struct fx_as *as)
{
	as->pd = iommu_alloc_pages_sz(GFP_KERNEL | __GFP_DMA, SMMU_SIZE_PD);
	if (!as->pd)
		return -ENOMEM;
	return 0;
}

static struct tegra_pt *fx_get_table(struct fx_as *as, unsigned int pde,
				     gfp_t gfp)
{
	struct tegra_pt *pt;

	if (as->pts[pde])
		return as->pts[pde];

	pt = iommu_alloc_pages_sz(gfp | __GFP_DMA, SMMU_SIZE_PT);
	if (!pt)
		return NULL;
	as->pts[pde] = pt;
	return pt;
}
