// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: single-page tables that are mapped whole for the device right
 * after the allocation: a directory in a member, a second-level table in a
 * local, mapped with the driver's table size.
 */
#include <linux/dma-mapping.h>

#include "iommu-pages.h"

#define SPAGE_ORDER 12
#define SPAGE_SIZE (1 << SPAGE_ORDER)

struct fx_domain {
	u32 *dt;
	dma_addr_t dt_dma;
	gfp_t gfp_flags;
};

static u32 *fx_get_table(struct device *dma_dev, struct fx_domain *dom,
			 u32 *dte)
{
	u32 *page_table;
	dma_addr_t pt_dma;

	page_table = iommu_alloc_pages_sz(GFP_ATOMIC | dom->gfp_flags,
					  SPAGE_SIZE);
	if (!page_table)
		return ERR_PTR(-ENOMEM);

	pt_dma = dma_map_single(dma_dev, page_table, SPAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(dma_dev, pt_dma)) {
		iommu_free_pages(page_table);
		return ERR_PTR(-ENOMEM);
	}
	*dte = pt_dma;
	return page_table;
}

static int fx_domain_init(struct device *dma_dev, struct fx_domain *dom)
{
	dom->dt = iommu_alloc_pages_sz(GFP_KERNEL | dom->gfp_flags,
				       SPAGE_SIZE);
	if (!dom->dt)
		return -ENOMEM;

	dom->dt_dma = dma_map_single(dma_dev, dom->dt,
				     SPAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(dma_dev, dom->dt_dma)) {
		iommu_free_pages(dom->dt);
		return -ENOMEM;
	}
	return 0;
}
