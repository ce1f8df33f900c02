// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: highmem tests the rule must keep: before memory that does not
 * come from iommu-pages, on flags other than those of the iommu-pages
 * allocation, on flags changed before the allocation, and a test that
 * decides what the function does rather than asserting.
 */
#include <linux/gfp.h>
#include <linux/mm.h>

#include "iommu-pages.h"

static void *fx_alloc_buddy(gfp_t gfp, int order)
{
	struct page *page;

	VM_BUG_ON((gfp & __GFP_HIGHMEM));
	page = alloc_pages(gfp, order);
	return page ? page_address(page) : NULL;
}

static void *fx_alloc_two(gfp_t table_gfp, gfp_t buf_gfp)
{
	void *table;

	BUG_ON(buf_gfp & __GFP_HIGHMEM);
	table = iommu_alloc_page(table_gfp);
	return table;
}

static void *fx_alloc_changed(gfp_t gfp)
{
	WARN_ON(gfp & __GFP_HIGHMEM);
	gfp = GFP_KERNEL;
	return iommu_alloc_page(gfp);
}

static void *fx_alloc_lowmem(gfp_t gfp)
{
	if (gfp & __GFP_HIGHMEM)
		return NULL;
	return iommu_alloc_page(gfp);
}

static void *fx_alloc_after(gfp_t gfp)
{
	void *p = iommu_alloc_page(GFP_KERNEL);

	WARN_ON(gfp & __GFP_HIGHMEM);
	return p;
}
