// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: arrays of struct page pointers that are not tegra page tables.
 * The rule must leave this file alone.
 */
#include <linux/dma-mapping.h>
#include <linux/mm.h>

#include "iommu-pages.h"

/* The address space pins caller pages; they come from the page allocator. */
struct tegra_smmu_as {
	struct device *dev;
	struct page **pinned;
	unsigned int num_pinned;
};

/* Another driver's tables: iommu-pages memory, but not tegra's type. */
struct fx_other_domain {
	struct device *dev;
	struct page **tables;
};

static int fx_pin(struct tegra_smmu_as *as, unsigned int i)
{
	struct page *page = alloc_page(GFP_KERNEL);

	if (!page)
		return -ENOMEM;

	as->pinned[i] = page;

	return 0;
}

static dma_addr_t fx_map_pinned(struct tegra_smmu_as *as, unsigned int i)
{
	struct page *page = as->pinned[i];

	memset(page_address(page), 0, PAGE_SIZE);

	return dma_map_page(as->dev, page, 0, PAGE_SIZE, DMA_BIDIRECTIONAL);
}

static void fx_unpin(struct tegra_smmu_as *as, unsigned int i,
		     dma_addr_t dma)
{
	struct page *page = as->pinned[i];

	dma_unmap_page(as->dev, dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
	__free_page(page);
	as->pinned[i] = NULL;
}

static int fx_other_alloc(struct fx_other_domain *dom, unsigned int i)
{
	struct page *table = __iommu_alloc_pages(GFP_KERNEL, 0);

	if (!table)
		return -ENOMEM;

	dom->tables[i] = table;

	return 0;
}

static void fx_other_free(struct fx_other_domain *dom, unsigned int i)
{
	struct page *table = dom->tables[i];

	__iommu_free_pages(table, 0);
	dom->tables[i] = NULL;
}
