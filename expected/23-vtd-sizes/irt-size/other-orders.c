// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: allocations with other named orders, and INTR_REMAP_PAGE_ORDER
 * given to another allocator: not the VT-d interrupt remapping table from
 * iommu-pages, left alone.
 */
#include <linux/gfp.h>

#include "iommu-pages.h"

#define INTR_REMAP_PAGE_ORDER	8
#define FX_QUEUE_ORDER		2

static void *fx_queue(int nid)
{
	return iommu_alloc_pages_node(nid, GFP_KERNEL, FX_QUEUE_ORDER);
}

static void *fx_copy_of_table(void)
{
	return (void *)__get_free_pages(GFP_KERNEL, INTR_REMAP_PAGE_ORDER);
}
