// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: an address space whose page directory is an order-0 iommu-pages
 * allocation held as a struct page.  The directory is converted; the
 * scratch page next to it comes from the page allocator and is not.
 */
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "iommu-pages.h"

#define SMMU_NUM_PDE 1024
#define SMMU_SIZE_PD (SMMU_NUM_PDE * 4)

struct tegra_smmu_as {
	struct iommu_domain domain;
	struct tegra_smmu *smmu;
	u32 *count;
	struct tegra_pd *pd;
	dma_addr_t pd_dma;
	struct page *scratch;
	dma_addr_t scratch_dma;
	unsigned int id;
};

static struct tegra_smmu_as *fx_as_alloc(gfp_t gfp)
{
	struct tegra_smmu_as *as;

	as = kzalloc(sizeof(*as), GFP_KERNEL);
	if (!as)
		return NULL;

	as->pd = iommu_alloc_page(gfp | __GFP_DMA);
	if (!as->pd)
		goto free_as;

	as->count = kcalloc(SMMU_NUM_PDE, sizeof(u32), GFP_KERNEL);
	if (!as->count)
		goto free_pd;

	as->scratch = alloc_page(GFP_KERNEL);
	if (!as->scratch)
		goto free_count;

	return as;

free_count:
	kfree(as->count);
free_pd:
	iommu_free_page(as->pd);
free_as:
	kfree(as);
	return NULL;
}

static int fx_as_prepare(struct device *dev, struct tegra_smmu_as *as)
{
	as->pd_dma = dma_map_single(dev, as->pd, SMMU_SIZE_PD, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, as->pd_dma))
		return -ENOMEM;

	as->scratch_dma = dma_map_page(dev, as->scratch, 0, PAGE_SIZE,
				       DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, as->scratch_dma)) {
		dma_unmap_single(dev, as->pd_dma, SMMU_SIZE_PD, DMA_TO_DEVICE);
		return -ENOMEM;
	}

	return 0;
}

static void fx_as_unprepare(struct device *dev, struct tegra_smmu_as *as)
{
	dma_unmap_page(dev, as->scratch_dma, PAGE_SIZE, DMA_FROM_DEVICE);
	dma_unmap_single(dev, as->pd_dma, SMMU_SIZE_PD, DMA_TO_DEVICE);
}

static u32 fx_pde_read(struct tegra_smmu_as *as, unsigned int index)
{
	return as->pd->val[index];
}

static u32 *fx_pde_lookup(struct tegra_smmu_as *as, unsigned int index)
{
	return &as->pd->val[index];
}

static void *fx_scratch(struct tegra_smmu_as *as)
{
	return page_address(as->scratch);
}

static void fx_as_free(struct tegra_smmu_as *as)
{
	__free_page(as->scratch);
	iommu_free_page(as->pd);
	kfree(as->count);
	kfree(as);
}
