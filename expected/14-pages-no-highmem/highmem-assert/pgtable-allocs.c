// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: page-table allocation helpers of io-pgtable formats that assert
 * on __GFP_HIGHMEM before asking iommu-pages for memory: with and without
 * the extra parentheses, operands either way round, several assertion
 * macros, an allocation on one branch only, and each allocator name.
 */
#include <linux/device.h>
#include <linux/gfp.h>

#include "iommu-pages.h"

struct fx_cfg {
	struct device *dev;
	void *(*alloc)(void *cookie, size_t size, gfp_t gfp);
};

/* One format: the order comes from the table size. */
static void *fx_alloc_table(size_t size, gfp_t gfp)
{
	int order = get_order(size);

	return iommu_alloc_pages(gfp, order);
}

/* Another: a custom allocator may replace iommu-pages. */
static void *fx_alloc_pgd(struct fx_cfg *cfg, void *cookie, size_t size,
			  gfp_t gfp)
{
	void *table;

	if (cfg->alloc)
		table = cfg->alloc(cookie, size, gfp);
	else
		table = iommu_alloc_pages_node(dev_to_node(cfg->dev), gfp,
					       get_order(size));
	if (!table)
		return NULL;
	return table;
}

static u64 *fx_alloc_level(int nid, gfp_t flags)
{
	return iommu_alloc_page_node(nid, flags);
}

static void *fx_alloc_dir(gfp_t gfp)
{
	void *dir;

	dir = iommu_alloc_page(gfp | __GFP_NOWARN);
	return dir;
}

static void *fx_alloc_leaf(struct fx_cfg *cfg, gfp_t gfp)
{
	return iommu_alloc_page(gfp);
}
