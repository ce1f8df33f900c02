// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: struct page pointers that look like a page directory but are
 * not iommu-pages memory.  The rule must leave this file alone.
 */
#include <linux/dma-mapping.h>
#include <linux/mm.h>

#include "iommu-pages.h"

#define SMMU_SIZE_PD 4096

/* Same struct name, but the directory comes from the page allocator. */
struct tegra_smmu_as {
	struct page *pd;
	dma_addr_t pd_dma;
};

/* Another driver's context with a member of the same name. */
struct fx_gart_ctx {
	struct page *pd;
	dma_addr_t pd_dma;
};

static int fx_as_init(struct device *dev, struct tegra_smmu_as *as)
{
	as->pd = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!as->pd)
		return -ENOMEM;

	as->pd_dma = dma_map_page(dev, as->pd, 0, SMMU_SIZE_PD,
				  DMA_TO_DEVICE);
	if (dma_mapping_error(dev, as->pd_dma)) {
		__free_page(as->pd);
		return -ENOMEM;
	}

	return 0;
}

static u32 *fx_as_entries(struct tegra_smmu_as *as)
{
	return page_address(as->pd);
}

static int fx_gart_init(struct device *dev, struct fx_gart_ctx *ctx,
			struct page *page)
{
	ctx->pd = page;
	ctx->pd_dma = dma_map_page(dev, ctx->pd, 0, PAGE_SIZE,
				   DMA_BIDIRECTIONAL);

	return dma_mapping_error(dev, ctx->pd_dma) ? -ENOMEM : 0;
}

static void fx_gart_exit(struct device *dev, struct fx_gart_ctx *ctx)
{
	dma_unmap_page(dev, ctx->pd_dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
}

/* A caller's page, mapped for the device on its behalf. */
static dma_addr_t fx_map_caller_page(struct device *dev, struct page *page,
				     size_t size)
{
	void *va = page_address(page);

	memset(va, 0, size);

	return dma_map_page(dev, page, 0, size, DMA_TO_DEVICE);
}
