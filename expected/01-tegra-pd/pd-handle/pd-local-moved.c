// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: a local that walks the directory (it is moved after it got the
 * directory's address).  Its accesses cannot become as->pd->val[i]: the
 * local stays, pointing at the entries.
 */
#include <linux/dma-mapping.h>

#include "iommu-pages.h"

#define SMMU_NUM_PDE 1024

struct tegra_smmu_as {
	struct tegra_pd *pd;
};

static int fx_as_init(struct tegra_smmu_as *as)
{
	as->pd = iommu_alloc_page(GFP_KERNEL | __GFP_DMA);

	return as->pd ? 0 : -ENOMEM;
}

static unsigned int fx_count_used(struct tegra_smmu_as *as)
{
	u32 *pd = as->pd->val;
	unsigned int i, n = 0;

	for (i = 0; i < SMMU_NUM_PDE; i++, pd++)
		if (pd[0])
			n++;
	return n;
}
