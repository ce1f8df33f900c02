// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: tables used straight from their slot in as->pts, without a
 * variable in between: allocation into the slot, mapping, entry access,
 * a helper that is handed the slot and a function that returns it.
 */
#include <linux/dma-mapping.h>

#include "iommu-pages.h"

#define SMMU_NUM_PDE 1024
#define SMMU_NUM_PTE 1024
#define SMMU_SIZE_PT (SMMU_NUM_PTE * 4)

struct tegra_smmu_as {
	struct device *dev;
	struct tegra_pt **pts;
	dma_addr_t *pt_dma;
};

static u32 fx_pte_read(struct tegra_pt *pt_page, unsigned int index)
{
	u32 *pt = pt_page->val;

	return pt[index];
}

static struct tegra_pt *fx_slot(struct tegra_smmu_as *as, unsigned int pde)
{
	return as->pts[pde];
}

static int fx_populate(struct tegra_smmu_as *as, unsigned int pde, gfp_t gfp)
{
	as->pts[pde] = iommu_alloc_page(gfp);
	if (!as->pts[pde])
		return -ENOMEM;

	as->pt_dma[pde] = dma_map_single(as->dev, as->pts[pde], SMMU_SIZE_PT,
					 DMA_TO_DEVICE);
	if (dma_mapping_error(as->dev, as->pt_dma[pde])) {
		iommu_free_page(as->pts[pde]);
		as->pts[pde] = NULL;
		return -ENOMEM;
	}

	return 0;
}

static u32 fx_first_pte(struct tegra_smmu_as *as, unsigned int pde)
{
	u32 *pt = as->pts[pde]->val;

	return pt[0] | fx_pte_read(as->pts[pde], 1);
}

static void fx_free_all(struct tegra_smmu_as *as)
{
	unsigned int i;

	for (i = 0; i < SMMU_NUM_PDE; i++) {
		struct tegra_pt *pt = as->pts[i];

		if (!pt)
			continue;

		dma_unmap_single(as->dev, as->pt_dma[i], SMMU_SIZE_PT,
				 DMA_TO_DEVICE);
		iommu_free_page(pt);
	}
}
