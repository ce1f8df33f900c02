// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: calls the rule must leave alone: a driver helper with a longer
 * name, an ops callback, the page allocator's node allocation and a call
 * that already passes a size.
 */
#include <linux/gfp.h>

#include "iommu-pages.h"

struct fx_ops {
	void *(*iommu_alloc_page_node)(int nid, gfp_t gfp);
};

static void *fx_iommu_alloc_page_node(int nid, gfp_t gfp)
{
	struct page *page = alloc_pages_node(nid, gfp | __GFP_ZERO, 0);

	return page ? page_address(page) : NULL;
}

static void *fx_alloc(struct fx_ops *ops, int nid)
{
	void *a = fx_iommu_alloc_page_node(nid, GFP_KERNEL);
	void *b = ops->iommu_alloc_page_node(nid, GFP_KERNEL);
	void *c = iommu_alloc_pages_node_sz(nid, GFP_KERNEL, SZ_4K);

	return a ? a : b ? b : c;
}
