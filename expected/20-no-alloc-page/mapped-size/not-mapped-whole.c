// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: single-page allocations whose mapping does not give the table
 * size: only one entry is mapped, the pointer is replaced before the map,
 * the size is a run-time variable, a kmalloc() buffer is mapped, and a
 * table is mapped in another function than the one that allocates it.
 */
#include <linux/dma-mapping.h>
#include <linux/slab.h>

#include "iommu-pages.h"

#define FX_ENTRY_SIZE 8
#define FX_TABLE_SIZE 4096

struct fx_dom {
	u64 *table;
	u64 *spare;
	dma_addr_t dma;
};

static int fx_map_first_entry(struct device *dev, struct fx_dom *dom)
{
	dom->table = iommu_alloc_page(GFP_KERNEL);
	if (!dom->table)
		return -ENOMEM;
	dom->dma = dma_map_single(dev, &dom->table[0], FX_ENTRY_SIZE,
				  DMA_TO_DEVICE);
	return 0;
}

static int fx_map_replaced(struct device *dev, struct fx_dom *dom)
{
	u64 *t;

	t = iommu_alloc_page(GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	dom->spare = t;
	t = dom->table;
	dom->dma = dma_map_single(dev, t, FX_TABLE_SIZE, DMA_TO_DEVICE);
	return 0;
}

static int fx_map_sized(struct device *dev, struct fx_dom *dom, size_t len)
{
	dom->table = iommu_alloc_page(GFP_KERNEL);
	if (!dom->table)
		return -ENOMEM;
	dom->dma = dma_map_single(dev, dom->table, len, DMA_TO_DEVICE);
	return 0;
}

static int fx_map_kmalloc(struct device *dev, struct fx_dom *dom)
{
	dom->table = kmalloc(FX_TABLE_SIZE, GFP_KERNEL);
	if (!dom->table)
		return -ENOMEM;
	dom->dma = dma_map_single(dev, dom->table, FX_TABLE_SIZE,
				  DMA_TO_DEVICE);
	return 0;
}

static int fx_alloc_only(struct fx_dom *dom)
{
	dom->spare = iommu_alloc_page(GFP_KERNEL);
	return dom->spare ? 0 : -ENOMEM;
}

static void fx_map_later(struct device *dev, struct fx_dom *dom)
{
	dom->dma = dma_map_single(dev, dom->spare, FX_TABLE_SIZE,
				  DMA_TO_DEVICE);
}
