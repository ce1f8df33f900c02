// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: the PDE update.  After one entry of the directory is written,
 * that entry is synced for the device at its byte offset inside the
 * directory: index * 4.  The local u32 pointer goes; the offset and the
 * length take the size of one entry, sizeof(*as->pd->val).  An output
 * where pd points to the whole directory (struct tegra_pd *pd = as->pd)
 * would make sizeof(*pd) 4096 times too large; this fixture rejects it.
 */
#include <linux/dma-mapping.h>

#include "iommu-pages.h"

#define SMMU_NUM_PDE 1024

struct tegra_smmu_as {
	struct tegra_smmu *smmu;
	struct tegra_pd *pd;
	dma_addr_t pd_dma;
	unsigned int id;
};

static int fx_as_init(struct tegra_smmu_as *as)
{
	as->pd = iommu_alloc_page(GFP_KERNEL | __GFP_DMA);

	return as->pd ? 0 : -ENOMEM;
}

static void fx_set_pde(struct tegra_smmu_as *as, unsigned long iova,
		       u32 value)
{
	unsigned int pd_index = (iova >> 22) & (SMMU_NUM_PDE - 1);
	struct tegra_smmu *smmu = as->smmu;
	unsigned long offset = pd_index * sizeof(*as->pd->val);

	as->pd->val[pd_index] = value;

	dma_sync_single_range_for_device(smmu->dev, as->pd_dma, offset,
					 sizeof(*as->pd->val), DMA_TO_DEVICE);
	fx_flush_ptc(smmu, as->pd_dma, offset);
}
